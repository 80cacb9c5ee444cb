import { AuthenticationError } from "../errors.js";
import { passwordGrant } from "../oauth/grants.js";
import { checkTenantId } from "../oauth/tenant.js";
import type { AccessToken, CommonCredentialOptions, GetTokenOptions } from "../types.js";
import { createLogger } from "../util/logger.js";
import { AppCredential } from "./app_credential_base.js";
import { requireString } from "./arguments.js";

/** Options of {@link UsernamePasswordCredential}. */
export interface UsernamePasswordCredentialOptions extends CommonCredentialOptions {}

/** AADSTS codes of sign-ins that need more than a password: MFA, MFA registration, an external challenge. */
const NEEDS_INTERACTION = [50076, 50079, 50158];
let deprecationLogged = false;

/**
 * Signs a user in with a user name and password (the resource owner password credentials grant).
 * **Deprecated by Microsoft**: it fails for accounts with multifactor authentication, which Entra
 * requires more and more; use `InteractiveBrowserCredential` or `DeviceCodeCredential` for users and
 * a service principal or managed identity for automation. Kept so legacy automation keeps working;
 * a warning is logged once per process.
 *
 * @deprecated Use a credential that supports multifactor authentication.
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth-ropc
 */
export class UsernamePasswordCredential extends AppCredential {
  readonly #name: string;

  /**
   * @param tenantId - the user's tenant id or domain (`organizations` allowed).
   * @param clientId - the public client application's id.
   * @param username - the user's sign-in name, e.g. `ada@contoso.com`.
   * @param password - the user's password; never logged or put in a message.
   * @param options - authority, multi-tenant, retry, TLS and logging options.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   */
  constructor(
    tenantId: string,
    clientId: string,
    username: string,
    password: string,
    options: UsernamePasswordCredentialOptions = {},
  ) {
    const name = options.credentialName ?? "UsernamePasswordCredential";
    const tenant = checkTenantId(name, requireString(name, "tenantId", tenantId));
    requireString(name, "clientId", clientId);
    requireString(name, "username", username);
    requireString(name, "password", password);
    const grant = (scopes: readonly string[]) => passwordGrant(scopes, username, password);
    super(name, tenant, clientId, { kind: "none" }, options, grant);
    this.#name = name;
    if (!deprecationLogged) {
      deprecationLogged = true;
      createLogger(name, options.loggingOptions, options.env ?? process.env).warning(
        "username/password sign-in is deprecated by Microsoft and fails for accounts with multifactor authentication; move to InteractiveBrowserCredential, DeviceCodeCredential, a service principal or a managed identity.",
      );
    }
  }

  /**
   * Gets a token for the user.
   *
   * @throws AuthenticationError with Entra's code; when the account needs multifactor
   *   authentication (AADSTS50076, 50079, 50158) the message says which credential to use instead.
   */
  override async getToken(
    scopes: string | string[],
    options?: GetTokenOptions,
  ): Promise<AccessToken> {
    try {
      return await super.getToken(scopes, options);
    } catch (error) {
      const codes = error instanceof AuthenticationError ? error.errorResponse.errorCodes : [];
      const needed = codes?.find((code) => NEEDS_INTERACTION.includes(code));
      if (!needed) throw error;
      const { errorResponse: r, statusCode } = error as AuthenticationError;
      throw new AuthenticationError(
        statusCode,
        {
          error: r.error,
          error_description: r.errorDescription,
          error_codes: r.errorCodes,
          trace_id: r.traceId,
          correlation_id: r.correlationId,
          timestamp: r.timestamp,
        },
        {
          credentialName: this.#name,
          message: `the account needs multifactor authentication or another interactive step (AADSTS${needed}), which a password alone cannot satisfy. Sign the user in with InteractiveBrowserCredential or DeviceCodeCredential; for automation use a service principal (ClientSecretCredential, ClientCertificateCredential) or a managed identity.`,
          cause: error,
        },
      );
    }
  }
}
