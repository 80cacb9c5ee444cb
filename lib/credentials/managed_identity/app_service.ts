/**
 * App Service, Functions, Container Apps and Automation (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`).
 *
 * @see https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
 * @module
 */
import {
  FORM_CONTENT_TYPE,
  identityPair,
  withQuery,
  type ManagedIdentitySource,
  type UserAssignedIdentity,
} from "./types.js";

/** The api-version of App Service token requests. */
export const APP_SERVICE_API_VERSION = "2019-08-01";

/** The App Service source: `GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=…` with `X-IDENTITY-HEADER`. */
export function appServiceSource(
  identity: UserAssignedIdentity | undefined,
  endpoint: string,
  identityHeader: string,
): ManagedIdentitySource {
  return {
    kind: "appService",
    displayName: "App Service",
    request: (resource) => ({
      method: "GET",
      url: withQuery(endpoint, [
        ["api-version", APP_SERVICE_API_VERSION],
        ["resource", resource],
        ...identityPair(identity, {
          clientId: "client_id",
          resourceId: "mi_res_id",
          objectId: "object_id",
        }),
      ]),
      headers: { "X-IDENTITY-HEADER": identityHeader, "Content-Type": FORM_CONTENT_TYPE },
    }),
  };
}
