/**
 * Service Fabric (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER` + `IDENTITY_SERVER_THUMBPRINT`). The
 * endpoint's certificate is pinned to the thumbprint; the identity is the cluster's choice, so no
 * user-assigned id is accepted.
 *
 * @see https://learn.microsoft.com/azure/service-fabric/how-to-managed-identity-service-fabric-app-code
 * @module
 */
import { FORM_CONTENT_TYPE, withQuery, type ManagedIdentitySource } from "./types.js";

/** The api-version of Service Fabric token requests. */
export const SERVICE_FABRIC_API_VERSION = "2019-07-01-preview";

/** The Service Fabric source: `GET {IDENTITY_ENDPOINT}?api-version=2019-07-01-preview&resource=…` with `secret`. */
export function serviceFabricSource(
  endpoint: string,
  identityHeader: string,
  thumbprint: string,
): ManagedIdentitySource {
  return {
    kind: "serviceFabric",
    displayName: "Service Fabric",
    serverThumbprint: thumbprint,
    request: (resource) => ({
      method: "GET",
      url: withQuery(endpoint, [
        ["api-version", SERVICE_FABRIC_API_VERSION],
        ["resource", resource],
      ]),
      headers: { secret: identityHeader, "Content-Type": FORM_CONTENT_TYPE },
    }),
  };
}
