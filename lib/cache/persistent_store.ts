/**
 * The persistent token store of one credential: MSAL-format entries in `<name>.nocae` and
 * `<name>.cae`, read and written through {@link PersistentCache}. Part of the persistence plugin's
 * code, loaded when a credential with persistence enabled first reads or writes its cache.
 *
 * @module
 */
import { join } from "node:path";
import { messageOf } from "../errors.js";
import { accountFromTokenResponse } from "../oauth/authentication_record.js";
import type { TokenResult } from "../oauth/token_response.js";
import type { AccessToken } from "../types.js";
import { cacheDirectory } from "./cache_files.js";
import {
  cachedAccessToken,
  changesForIssuedTokens,
  environmentAliases,
  environmentOf,
  findAccessToken,
  findRefreshToken,
  removeRefreshToken,
} from "./msal_cache_format.js";
import { PersistentCache } from "./persistent_cache.js";
import type {
  PersistenceSettings,
  PersistentTokenStore,
  StoreContext,
  TokenQuery,
} from "./token_store.js";
import { EXPIRY_MARGIN_MS } from "./token_cache.js";

/** The {@link PersistentCache} of a cache file, logging through the given credential's logger. */
export function cacheFile(
  settings: PersistenceSettings,
  context: Pick<StoreContext, "env" | "platform" | "spawn" | "logger">,
  suffix: ".nocae" | ".cae" | "",
): PersistentCache {
  const fileName = `${settings.name}${suffix}`;
  const filePath = join(cacheDirectory(context.env, context.platform), fileName);
  const { env, platform, spawn, logger } = context;
  return new PersistentCache({
    context: { fileName, filePath, env, platform, ...(spawn ? { spawn } : {}) },
    allowUnencrypted: settings.allowUnencrypted,
    logger,
  });
}

/** Creates the store of one credential; see `openTokenStore`. */
export function createPersistentStore(
  settings: PersistenceSettings,
  context: StoreContext,
): PersistentTokenStore {
  const { logger, clientId } = context;
  const environment = environmentOf(new URL(context.authorityHost).host);
  const environments = environmentAliases(environment);
  const files = new Map<boolean, PersistentCache>();
  const file = (cae: boolean) => {
    let found = files.get(cae);
    if (!found) files.set(cae, (found = cacheFile(settings, context, cae ? ".cae" : ".nocae")));
    return found;
  };
  const seconds = () => Math.floor(context.now() / 1000);
  const guard = async <T>(what: string, work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (error) {
      logger.warning(`token cache: ${what} failed: ${messageOf(error)}`);
      return undefined;
    }
  };
  return {
    accessToken: (q) =>
      guard("reading an access token", async (): Promise<AccessToken | undefined> => {
        const found = findAccessToken(await file(q.cae).read(), {
          homeAccountId: q.homeAccountId ?? "",
          environments,
          clientId,
          realm: q.realm ?? q.tenantId,
          scopes: q.scopes,
          ...(q.partition ? { userAssertionHash: q.partition } : {}),
          nowSeconds: seconds(),
          marginSeconds: EXPIRY_MARGIN_MS / 1000,
        });
        if (!found) return undefined;
        logger.verbose("token cache: access token served from the persistent cache");
        return cachedAccessToken(found);
      }),
    refreshToken: (q) =>
      guard("reading a refresh token", async () => {
        if (!q.homeAccountId) return undefined;
        const found = findRefreshToken(await file(q.cae).read(), {
          homeAccountId: q.homeAccountId,
          environments,
          clientId,
        });
        return found?.secret;
      }),
    save: async (q: TokenQuery, result: TokenResult) => {
      await guard("saving tokens", async () => {
        const user = q.homeAccountId !== undefined || result.refreshToken !== undefined;
        const account = user
          ? accountFromTokenResponse(context.authorityHost, clientId, result)
          : undefined;
        const homeAccountId = account?.homeAccountId ?? q.homeAccountId ?? "";
        const realm = account?.tenantId ?? q.realm ?? q.tenantId;
        const now = seconds();
        await file(q.cae).update((cache) =>
          changesForIssuedTokens(
            {
              environment,
              clientId,
              realm,
              scopes: grantedScopes(q.scopes, result.scope),
              accessToken: result.accessToken,
              nowSeconds: now,
              expiresOnSeconds: Math.floor(result.expiresOnTimestamp / 1000),
              ...(result.refreshAfterTimestamp
                ? { refreshOnSeconds: Math.floor(result.refreshAfterTimestamp / 1000) }
                : {}),
              homeAccountId,
              ...(result.refreshToken ? { refreshToken: result.refreshToken } : {}),
              ...(result.idToken ? { idToken: result.idToken } : {}),
              ...(account ? { username: account.username } : {}),
              ...(q.partition ? { userAssertionHash: q.partition } : {}),
            },
            cache,
          ),
        );
      });
    },
    forgetRefreshToken: async (cae, refreshToken) => {
      await guard("removing a refused refresh token", () =>
        file(cae).update((cache) => removeRefreshToken(cache, refreshToken)),
      );
    },
  };
}

const OIDC_SCOPES = new Set(["openid", "profile", "offline_access"]);

/** The requested scopes and those Entra says it granted (OpenID scopes aside), as MSAL's `target`. */
function grantedScopes(requested: readonly string[], granted: string | undefined): string[] {
  const extra = (granted ?? "").split(" ").filter((s) => s && !OIDC_SCOPES.has(s.toLowerCase()));
  return [...new Set([...requested, ...extra])];
}
