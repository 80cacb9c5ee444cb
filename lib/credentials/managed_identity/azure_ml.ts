/**
 * Azure Machine Learning compute (`MSI_ENDPOINT` + `MSI_SECRET`, the 2017-09-01 protocol). Only a
 * client id can select a user-assigned identity.
 *
 * @module
 */
import { FORM_CONTENT_TYPE, withQuery, type ManagedIdentitySource } from "./types.js";

/** The api-version of Azure ML token requests. */
export const AZURE_ML_API_VERSION = "2017-09-01";

/**
 * The Azure ML source: `GET {MSI_ENDPOINT}?api-version=2017-09-01&resource=…&clientid=…` with
 * `secret`. `clientId` is the user-assigned client id, else `DEFAULT_IDENTITY_CLIENT_ID`, else none.
 */
export function azureMlSource(
  endpoint: string,
  secret: string,
  clientId: string | undefined,
): ManagedIdentitySource {
  return {
    kind: "azureMl",
    displayName: "Azure ML",
    request: (resource) => ({
      method: "GET",
      url: withQuery(endpoint, [
        ["api-version", AZURE_ML_API_VERSION],
        ["resource", resource],
        ...(clientId ? [["clientid", clientId] as [string, string]] : []),
      ]),
      headers: { Metadata: "true", secret, "Content-Type": FORM_CONTENT_TYPE },
    }),
  };
}
