/**
 * The Azure Pipelines OIDC endpoint: the job's system access token buys an ID token for a service
 * connection, which becomes the client assertion (pure; the exchange is in `ci_oidc.ts`).
 *
 * @see https://learn.microsoft.com/rest/api/azure/devops/distributedtask/oidctoken/create
 * @module
 */
import { requireHttpsUrl, withQuery, type CiOidcEndpoint } from "./ci_oidc.js";

/** The api-version of the OIDC token request. */
export const PIPELINES_OIDC_API_VERSION = "7.1";

/**
 * The OIDC token request: `POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId=…`.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) when the URL is not `https:`.
 */
export function pipelinesOidcEndpoint(
  credentialName: string,
  oidcRequestUri: string,
  serviceConnectionId: string,
  systemAccessToken: string,
): CiOidcEndpoint {
  requireHttpsUrl(credentialName, "SYSTEM_OIDCREQUESTURI", oidcRequestUri);
  const query = `api-version=${PIPELINES_OIDC_API_VERSION}&serviceConnectionId=${encodeURIComponent(serviceConnectionId)}`;
  return {
    method: "POST",
    url: withQuery(oidcRequestUri.replace(/\/+$/, ""), query),
    headers: {
      "Content-Type": "application/json",
      Authorization: `Bearer ${systemAccessToken}`,
      // Without it an expired or wrong token is answered by a 302 to a sign-in page.
      "X-TFS-FedAuthRedirect": "Suppress",
    },
    field: "oidcToken",
    diagnosticHeaders: ["x-vss-e2eid", "x-msedge-ref"],
    hint: "Check the service connection id and that the job's System.AccessToken is passed. See https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot.",
    secrets: [systemAccessToken],
  };
}
