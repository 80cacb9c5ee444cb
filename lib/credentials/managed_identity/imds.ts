/**
 * Azure Instance Metadata Service (VMs, scale sets, AKS nodes, pod identity).
 *
 * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token
 * @module
 */
import {
  FORM_CONTENT_TYPE,
  identityPair,
  withQuery,
  type ManagedIdentitySource,
  type UserAssignedIdentity,
} from "./types.js";

/** The real IMDS address. Tests never send traffic here: they pass a loopback host instead. */
export const IMDS_HOST = "http://169.254.169.254";
/** The token path under the IMDS host. */
export const IMDS_TOKEN_PATH = "/metadata/identity/oauth2/token";
/** The api-version of IMDS token requests. */
export const IMDS_API_VERSION = "2018-02-01";

/**
 * The IMDS source. With `podIdentityHost` (`AZURE_POD_IDENTITY_AUTHORITY_HOST`) requests go there
 * and no probe is made (the pod-identity agent answers); otherwise to `host`, probed inside
 * `DefaultAzureCredential`.
 */
export function imdsSource(
  identity: UserAssignedIdentity | undefined,
  host: string,
  podIdentityHost?: string,
): ManagedIdentitySource {
  const base = (podIdentityHost ?? host).replace(/\/+$/, "");
  const endpoint = `${base}${IMDS_TOKEN_PATH}`;
  const source: ManagedIdentitySource = {
    kind: "imds",
    displayName: "IMDS",
    request: (resource) => ({
      method: "GET",
      url: withQuery(endpoint, [
        ["api-version", IMDS_API_VERSION],
        ["resource", resource],
        ...identityPair(identity, {
          clientId: "client_id",
          resourceId: "msi_res_id",
          objectId: "object_id",
        }),
      ]),
      headers: { Metadata: "true", "Content-Type": FORM_CONTENT_TYPE },
    }),
  };
  if (podIdentityHost === undefined) source.probeUrl = endpoint;
  return source;
}
