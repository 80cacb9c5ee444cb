import type { TokenCache } from "../cache/token_cache.js";
import { HOW_TO_ENABLE_PERSISTENCE, registeredPersistence } from "../cache/persistence_registry.js";
import { CredentialUnavailableError } from "../errors.js";
import type { AuthenticationRecord } from "../oauth/authentication_record.js";
import { buildClaims } from "../oauth/claims.js";
import { resolveTenant } from "../oauth/tenant.js";
import type { TokenClient } from "../oauth/token_client.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { requestTimeout } from "../util/timeout.js";
import type {
  SharedTokenCacheCredential,
  SharedTokenCacheCredentialOptions,
} from "./shared_token_cache_credential.js";

const NAME = "SharedTokenCacheCredential";

/** The account a {@link SharedTokenCacheCredential} was configured for, and its client and tokens. */
export interface SharedCacheAccount {
  client: TokenClient;
  /** Tokens held in memory. */
  cache: TokenCache;
  /** The persistent cache's `name`. */
  cacheName: string;
  username: string | undefined;
  tenantId: string | undefined;
  record: AuthenticationRecord | undefined;
  options: SharedTokenCacheCredentialOptions;
}

/**
 * Gets a token for the account: from memory, else from the shared cache through the persistence
 * plugin; what {@link SharedTokenCacheCredential.getToken} runs once the scopes are checked.
 *
 * @param account - the credential's account, client and in-memory cache.
 * @param list - the normalized scopes.
 * @param options - the `getToken` options.
 * @throws CredentialUnavailableError when the persistence plugin is not registered, and as
 *   `tokenFromSharedCache` throws.
 */
export function sharedCacheToken(
  account: SharedCacheAccount,
  list: string[],
  options: GetTokenOptions,
): Promise<AccessToken> {
  const { client, options: settings } = account;
  const requested = resolveTenant(NAME, client.tenantPolicy, options.tenantId);
  const claims = buildClaims(NAME, options.claims, options.enableCae);
  const timeoutMs = requestTimeout(NAME, options.requestOptions?.timeout);
  const tenantId = requested || account.tenantId;
  const cae = options.enableCae === true;
  const key = `${tenantId ?? ""}\n${[...list].sort().join(" ")}\n${cae}`;
  // Held in memory like every credential's tokens: the file (and a keyring tool) is read on a
  // miss, and concurrent misses share one read.
  return account.cache.get(
    key,
    async (signal) => {
      const provider = registeredPersistence();
      if (!provider)
        throw new CredentialUnavailableError(
          `${NAME}: reading the shared token cache needs the persistence plugin: ${HOW_TO_ENABLE_PERSISTENCE}.`,
        );
      const { tokenFromSharedCache } = await provider.load();
      return tokenFromSharedCache({
        client,
        scopes: list,
        cacheName: account.cacheName,
        cae,
        env: settings.env ?? process.env,
        platform: settings.platform ?? process.platform,
        timeoutMs,
        signal,
        ...(settings.spawn ? { spawn: settings.spawn } : {}),
        ...(claims ? { claims } : {}),
        ...(account.username ? { username: account.username } : {}),
        ...(tenantId ? { tenantId } : {}),
        ...(account.record ? { homeAccountId: account.record.homeAccountId } : {}),
      });
    },
    {
      challenge: options.claims,
      abortMessage: `${NAME}: the operation was aborted.`,
      signal: options.abortSignal,
    },
  );
}
