/**
 * The Azure Pipelines OIDC exchange: the job's system access token buys an ID token for a service
 * connection, which becomes the client assertion. Request building and reply checking are pure.
 *
 * @see https://learn.microsoft.com/rest/api/azure/devops/distributedtask/oidctoken/create
 * @module
 */
import { authenticationFailure } from "../errors.js";
import { readJsonResponse } from "../http/json_response.js";
import type { HttpResponse } from "../http/transport.js";
import { asRecord } from "../util/json.js";
import { serverText } from "../util/redact.js";

/** The api-version of the OIDC token request. */
export const PIPELINES_OIDC_API_VERSION = "7.1";

/** The OIDC token request: `POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=…`. */
export function oidcTokenRequest(
  oidcRequestUri: string,
  serviceConnectionId: string,
  systemAccessToken: string,
): { url: string; headers: Record<string, string> } {
  const base = oidcRequestUri.replace(/\/+$/, "");
  const url = `${base}${base.includes("?") ? "&" : "?"}api-version=${PIPELINES_OIDC_API_VERSION}&serviceConnectionId=${encodeURIComponent(serviceConnectionId)}`;
  return {
    url,
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${systemAccessToken}`,
      // Without it an expired or wrong token is answered by a 302 to a sign-in page.
      "X-TFS-FedAuthRedirect": "Suppress",
    },
  };
}

function header(response: HttpResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "none";
}

/**
 * Extracts `oidcToken` from the OIDC reply (pure).
 *
 * @param secrets - values that must not appear in a message (the system access token).
 * @throws AuthenticationError (`ERR_OIDC_RESPONSE`) naming the status, content type, the
 *   `x-vss-e2eid` and `x-msedge-ref` headers, and the first bytes of the body (redacted).
 */
export function parseOidcTokenResponse(
  credentialName: string,
  response: HttpResponse,
  secrets: readonly string[],
): string {
  const { json, arrived } = readJsonResponse(response, secrets);
  // Echoed headers are the server's text too.
  const echoed = `x-vss-e2eid ${header(response, "x-vss-e2eid")}, x-msedge-ref ${header(response, "x-msedge-ref")}`;
  const ids = serverText(echoed, secrets);
  const fail = (what: string) =>
    authenticationFailure(
      credentialName,
      "ERR_OIDC_RESPONSE",
      `${what} (${arrived()}, ${ids}). Check the service connection id and that the job's System.AccessToken is passed. See https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot.`,
      { status: response.status },
    );
  if (response.status !== 200) throw fail("the OIDC token request failed");
  if (json === undefined) throw fail("the OIDC token response is not JSON, so it has no oidcToken");
  const token = asRecord(json)?.oidcToken;
  if (typeof token !== "string" || token === "")
    throw fail("the OIDC token response has no oidcToken field");
  return token;
}
