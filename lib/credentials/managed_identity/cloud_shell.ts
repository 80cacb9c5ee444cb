/**
 * Azure Cloud Shell (`MSI_ENDPOINT` without `MSI_SECRET`): the signed-in user's token, so no
 * user-assigned id is accepted.
 *
 * @module
 */
import { encodeForm } from "../../oauth/form.js";
import { FORM_CONTENT_TYPE, type ManagedIdentitySource } from "./types.js";

/** The Cloud Shell source: `POST {MSI_ENDPOINT}` with `Metadata: true` and the form `resource=…`. */
export function cloudShellSource(endpoint: string): ManagedIdentitySource {
  return {
    kind: "cloudShell",
    displayName: "Cloud Shell",
    request: (resource) => ({
      method: "POST",
      url: endpoint,
      headers: { Metadata: "true", "Content-Type": FORM_CONTENT_TYPE },
      body: encodeForm([["resource", resource]]),
    }),
  };
}
