import { AppCredential } from "./app_credential_base.js";
import type { CommonCredentialOptions } from "../types.js";
import { requireAppTenant, requireString } from "./arguments.js";

/** Options of {@link ClientSecretCredential}. */
export interface ClientSecretCredentialOptions extends CommonCredentialOptions {}

/**
 * Authenticates an application (service principal) with a client secret, using the OAuth 2.0
 * client credentials grant.
 *
 * @example
 * ```ts
 * const credential = new ClientSecretCredential(tenantId, clientId, clientSecret);
 * const { token } = await credential.getToken("https://graph.microsoft.com/.default");
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
export class ClientSecretCredential extends AppCredential {
  /**
   * @param tenantId - the directory (tenant) id or domain of the application.
   * @param clientId - the application (client) id.
   * @param clientSecret - the client secret's value (not its id).
   * @param options - authority, multi-tenant, retry, TLS and logging options.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument or a non-https authority.
   */
  constructor(
    tenantId: string,
    clientId: string,
    clientSecret: string,
    options: ClientSecretCredentialOptions = {},
  ) {
    const name = options.credentialName ?? "ClientSecretCredential";
    const tenant = requireAppTenant(name, tenantId);
    requireString(name, "clientId", clientId);
    requireString(name, "clientSecret", clientSecret);
    super(name, tenant, clientId, { kind: "secret", secret: clientSecret }, options);
  }
}
