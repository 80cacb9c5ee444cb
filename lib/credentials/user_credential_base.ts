import { openCredentialStore } from "../cache/token_store.js";
import { InvalidArgumentError } from "../errors.js";
import type { AuthenticationRecord } from "../oauth/authentication_record.js";
import { checkTenantId } from "../oauth/tenant.js";
import { TokenClient } from "../oauth/token_client.js";
import { UserSession, type Interaction } from "../oauth/user_session.js";
import type {
  AccessToken,
  CommonCredentialOptions,
  GetTokenOptions,
  TokenCredential,
} from "../types.js";
import { requireString } from "./arguments.js";

/** The client id of the Azure CLI application, which `@azure/identity` uses when none is given. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/** Options shared by the credentials that sign a user in, as in `@azure/identity`. */
export interface InteractiveCredentialOptions extends CommonCredentialOptions {
  /**
   * The account signed in earlier, from `authenticate()`. Its `username` becomes the login hint.
   * Tokens are kept in memory only, so a new credential still signs the user in once.
   */
  authenticationRecord?: AuthenticationRecord;
  /**
   * When true, `getToken` never starts a sign-in: it throws `AuthenticationRequiredError` unless a
   * token or refresh token is at hand, and the application calls `authenticate()` when it chooses.
   */
  disableAutomaticAuthentication?: boolean;
}

/**
 * `getToken`, `close()` and `await using` of the credentials that hold a signed-in user: silent
 * first, then the credential's interaction unless automatic authentication is off.
 */
export abstract class UserCredential implements TokenCredential {
  /** @internal */
  protected readonly session: UserSession;

  /**
   * @param session - the user session (cache, refresh token, account, interaction).
   * @param options - with `tokenCachePersistenceOptions.enabled`, the session also keeps its
   *   tokens in the persistent cache, and `authenticationRecord` names the account to reuse.
   * @throws InvalidArgumentError for malformed `tokenCachePersistenceOptions`.
   */
  protected constructor(session: UserSession, options: InteractiveCredentialOptions = {}) {
    this.session = session;
    const { client } = session;
    const store = openCredentialStore({ client, options });
    if (store) session.attachStore(store, options.authenticationRecord);
  }

  /**
   * Gets a user token: cached, else renewed with the refresh token, else (unless
   * `disableAutomaticAuthentication`) through a new sign-in or code redemption.
   *
   * @throws AuthenticationRequiredError when a sign-in is needed and automatic authentication is disabled, or the refresh token was revoked.
   * @throws AuthenticationError when Entra refuses the sign-in, code or refresh token (codes in the README).
   * @throws AbortError when `abortSignal` fires while waiting for the user.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.session.getToken(scopes, options);
  }

  /** Forgets tokens, cancels a sign-in in progress and releases sockets. */
  async close(): Promise<void> {
    await this.session.close();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * The credentials that sign a user in themselves (device code, browser) on a public client;
 * `authenticate()` signs in on demand.
 */
export abstract class InteractiveUserCredential extends UserCredential {
  /**
   * Builds the session of a public client: the client id (default the developer sign-on
   * application), the tenant (default `organizations` with that client id, else `common`; a
   * configured tenant limits per-call tenants to `additionallyAllowedTenants`).
   *
   * @param credentialName - starts every message.
   * @param options - the credential's options, passed whole to the token client.
   * @param interaction - how this credential signs the user in.
   * @throws InvalidArgumentError for a malformed tenant id, client id or `disableAutomaticAuthentication`.
   */
  protected constructor(
    credentialName: string,
    options: { tenantId?: string; clientId?: string } & InteractiveCredentialOptions,
    interaction: Interaction,
  ) {
    const { clientId = DEVELOPER_SIGN_ON_CLIENT_ID, tenantId = "" } = options;
    requireString(credentialName, "clientId", clientId);
    if (options.tenantId !== undefined) checkTenantId(credentialName, tenantId);
    const disabled = options.disableAutomaticAuthentication;
    if (disabled !== undefined && typeof disabled !== "boolean") {
      throw new InvalidArgumentError(
        `${credentialName}: "disableAutomaticAuthentication" must be a boolean.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    const client = new TokenClient(credentialName, tenantId, clientId, { kind: "none" }, options);
    const defaultTenant = clientId === DEVELOPER_SIGN_ON_CLIENT_ID ? "organizations" : "common";
    super(
      new UserSession(client, tenantId || defaultTenant, interaction, disabled !== true),
      options,
    );
  }

  /**
   * Signs the user in now, whatever is cached.
   *
   * @returns the signed-in account, to store with `serializeAuthenticationRecord`.
   */
  authenticate(
    scopes: string | string[],
    options: GetTokenOptions = {},
  ): Promise<AuthenticationRecord | undefined> {
    return this.session.authenticate(scopes, options);
  }
}
