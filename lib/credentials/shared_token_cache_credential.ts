import { TokenCache } from "../cache/token_cache.js";
import { persistenceSettings } from "../cache/token_store.js";
import type { AuthenticationRecord } from "../oauth/authentication_record.js";
import { normalizeScopes } from "../oauth/scopes.js";
import { checkTenantId } from "../oauth/tenant.js";
import { TokenClient } from "../oauth/token_client.js";
import type {
  AccessToken,
  CredentialPersistenceOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { logOutcome } from "../util/logger.js";
import { requireString } from "./arguments.js";
import type { SharedCacheAccount } from "./shared_token_cache_read.js";
import { DEVELOPER_SIGN_ON_CLIENT_ID } from "./user_credential_base.js";

const NAME = "SharedTokenCacheCredential";
/** The Azure CLI's application, which the developer tools' refresh tokens belong to (family `1`). */

/** Options of {@link SharedTokenCacheCredential}, as in `azure-identity`. */
export interface SharedTokenCacheCredentialOptions
  extends MultiTenantTokenCredentialOptions, CredentialPersistenceOptions {
  /** The account's user name (default `AZURE_USERNAME`), when the cache holds several. */
  username?: string;
  /** The tenant (default `AZURE_TENANT_ID`): narrows the accounts and is where tokens are asked. */
  tenantId?: string;
  /** The application redeeming the refresh tokens; default the Azure CLI's, whose family they are. */
  clientId?: string;
  /** The account to use, from `authenticate()` of a user credential. */
  authenticationRecord?: AuthenticationRecord;
}

/**
 * Signs in as an account found in the shared token cache that Microsoft developer tools write
 * (`~/.IdentityService/msal.cache.nocae`, MSAL's unified format; the cache `name` may be changed
 * with `tokenCachePersistenceOptions`). Serves a cached access token, else redeems the account's
 * refresh token and writes the rotated one back. Where there is no cache file it is unavailable at
 * once, starting nothing. It reads the cache through the plugin of `entra-zero/persistence`; while
 * that is not registered it is unavailable, and says how to register it.
 */
export class SharedTokenCacheCredential implements TokenCredential {
  readonly #account: SharedCacheAccount;

  /**
   * @param options - account choice (`username`, `tenantId`, `authenticationRecord`), `clientId`,
   *   authority, persistence `name`, and the common options.
   * @throws InvalidArgumentError for a malformed tenant, client id, username or cache name.
   */
  constructor(options: SharedTokenCacheCredentialOptions = {}) {
    const env = options.env ?? process.env;
    const clientId = options.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID;
    requireString(NAME, "clientId", clientId);
    const tenantId = options.tenantId ?? options.authenticationRecord?.tenantId;
    if (tenantId !== undefined) checkTenantId(NAME, tenantId);
    const username = options.username ?? env.AZURE_USERNAME;
    if (username !== undefined) requireString(NAME, "username", username);
    const settings = persistenceSettings(NAME, {
      enabled: true,
      ...options.tokenCachePersistenceOptions,
    });
    const client = new TokenClient(NAME, tenantId ?? "", clientId, { kind: "none" }, options);
    this.#account = {
      client,
      cache: new TokenCache({ now: client.now, logger: client.logger }),
      cacheName: settings?.name ?? "msal.cache",
      username: username || undefined,
      tenantId: tenantId || undefined,
      record: options.authenticationRecord,
      options,
    };
  }

  /**
   * Gets a token for the chosen account from the shared cache.
   *
   * @throws CredentialUnavailableError when the persistence plugin is not registered or there is no
   *   cache (`ERR_CREDENTIAL_UNAVAILABLE`), no single matching account (`ERR_SHARED_CACHE_ACCOUNT`,
   *   saying how to choose one), or every refresh token of the account was refused
   *   (`ERR_AUTHENTICATION_REQUIRED`; they are removed).
   * @throws AuthenticationError for other failures of the token request.
   */
  getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    let list: string[] = [];
    return logOutcome(
      this.#account.client.logger,
      async () => {
        list = normalizeScopes(NAME, scopes);
        // Looking the account up in the shared cache loads with the first call.
        const { sharedCacheToken } = await import("./shared_token_cache_read.js");
        return sharedCacheToken(this.#account, list, options);
      },
      () => `getToken succeeded scopes=[${list.join(" ")}]`,
    );
  }

  /** Releases sockets. */
  async close(): Promise<void> {
    this.#account.cache.clear();
    this.#account.client.close();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
