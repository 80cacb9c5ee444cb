/**
 * Reading a CI OIDC endpoint's reply (pure): the ID token, or an error that says what came back.
 * Loaded at a CI credential's first token request.
 *
 * @module
 */
import { authenticationFailure } from "../errors.js";
import { readJsonResponse } from "../http/json_response.js";
import type { HttpResponse } from "../http/transport.js";
import { serverText } from "../util/redact.js";
import type { CiOidcEndpoint } from "./ci_oidc.js";

function header(response: HttpResponse, name: string): string {
  const value = response.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? "none";
}

/**
 * Extracts the ID token from a CI OIDC endpoint's reply (pure).
 *
 * @throws AuthenticationError (`ERR_OIDC_RESPONSE`) naming the status, content type, the
 *   endpoint's diagnostic headers and the first bytes of the body (redacted), then the hint.
 */
export function parseCiOidcResponse(
  credentialName: string,
  response: HttpResponse,
  endpoint: CiOidcEndpoint,
): string {
  const { secrets, field } = endpoint;
  const { json, record, arrived } = readJsonResponse(response, secrets);
  // Echoed headers are the server's text too.
  const echoed = endpoint.diagnosticHeaders.map((name) => `, ${name} ${header(response, name)}`);
  const ids = serverText(echoed.join(""), secrets);
  const fail = (what: string) =>
    authenticationFailure(
      credentialName,
      "ERR_OIDC_RESPONSE",
      `${what} (${arrived()}${ids}). ${endpoint.hint}`,
      { status: response.status },
    );
  if (response.status !== 200) throw fail("the OIDC token request failed");
  if (json === undefined) throw fail(`the OIDC token response is not JSON, so it has no ${field}`);
  const token = record?.[field];
  if (typeof token !== "string" || token === "")
    throw fail(`the OIDC token response has no ${field} field`);
  return token;
}
