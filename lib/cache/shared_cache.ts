/**
 * The shared developer cache (`~/.IdentityService/msal.cache[.nocae|.cae]`) as
 * `SharedTokenCacheCredential` uses it: find the file, choose the account, serve a cached access
 * token or redeem the account's refresh token, write the rotated one back. Part of the persistence
 * plugin's code, loaded on the credential's first `getToken`.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { AuthenticationError, CredentialUnavailableError } from "../errors.js";
import { refreshTokenGrant } from "../oauth/grants.js";
import type { RequestSettings, TokenClient } from "../oauth/token_client.js";
import { toAccessToken } from "../oauth/token_response.js";
import type { AccessToken, InternalOptions } from "../types.js";
import { cacheDirectory, readCacheFile } from "./cache_files.js";
import {
  cachedAccessToken,
  changesForIssuedTokens,
  environmentAliases,
  environmentOf,
  findAccessToken,
  type MsalCache,
} from "./msal_cache_format.js";
import { PersistentCache } from "./persistent_cache.js";
import { plainFileRoute } from "./protection/plain_file.js";
import type { ProtectionRoute, RouteContext } from "./protection/route.js";
import { protectedRoutes } from "./protection/select.js";
import { selectAccount } from "./shared_cache_accounts.js";
import { EXPIRY_MARGIN_MS } from "./token_cache.js";

/** What one `getToken` of the shared-cache credential asks. */
export interface SharedCacheRequest extends RequestSettings {
  client: TokenClient;
  scopes: string[];
  cacheName: string;
  cae: boolean;
  username?: string;
  tenantId?: string;
  homeAccountId?: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  spawn?: InternalOptions["spawn"];
}

const UNAVAILABLE = "SharedTokenCacheCredential: authentication unavailable.";

/** The existing cache file: `<name>.nocae` (`.cae`), else `<name>` as older tools wrote it. */
async function findFile(request: SharedCacheRequest): Promise<RouteContext | undefined> {
  let directory: string;
  try {
    directory = cacheDirectory(request.env, request.platform);
  } catch (error) {
    throw new CredentialUnavailableError(
      `${UNAVAILABLE} No shared token cache: ${(error as Error).message}`,
      { cause: error },
    );
  }
  for (const fileName of [
    `${request.cacheName}${request.cae ? ".cae" : ".nocae"}`,
    request.cacheName,
  ]) {
    const filePath = join(directory, fileName);
    const info = await stat(filePath).catch(() => undefined);
    if (info?.isFile()) {
      const { env, platform, spawn } = request;
      return { fileName, filePath, env, platform, ...(spawn ? { spawn } : {}) };
    }
  }
  return undefined;
}

/** A file holding JSON is a plain cache; an empty one is the signal file of a keyring route. */
async function routesFor(ctx: RouteContext): Promise<ProtectionRoute[]> {
  const found = await readCacheFile(ctx.filePath).catch(() => undefined);
  const head = found?.data.subarray(0, 64).toString("utf8").trimStart() ?? "";
  return head.startsWith("{") ? [plainFileRoute(ctx)] : protectedRoutes(ctx);
}

/**
 * Gets a token from the shared cache.
 *
 * @throws CredentialUnavailableError when there is no cache file, no (single) matching account,
 *   or every refresh token of the account was refused (each refused one is removed).
 * @throws AuthenticationError for other failures of the token request.
 */
export async function tokenFromSharedCache(request: SharedCacheRequest): Promise<AccessToken> {
  const { client } = request;
  const logger = client.logger;
  const ctx = await findFile(request);
  if (!ctx) {
    throw new CredentialUnavailableError(
      `${UNAVAILABLE} No shared token cache was found at ${join(cacheDirectory(request.env, request.platform), request.cacheName)}[.nocae]: sign in with a Microsoft developer tool that writes it, or use another credential (AzureCliCredential, InteractiveBrowserCredential with tokenCachePersistenceOptions).`,
    );
  }
  const file = new PersistentCache({
    context: ctx,
    allowUnencrypted: false,
    logger,
    routes: await routesFor(ctx),
  });
  const cache = await file.read();
  const environment = environmentOf(new URL(client.authority.host).host);
  const environments = environmentAliases(environment);
  const choice = selectAccount(cache, environments, {
    clientId: client.clientId,
    ...(request.username ? { username: request.username } : {}),
    ...(request.tenantId ? { tenantId: request.tenantId } : {}),
    ...(request.homeAccountId ? { homeAccountId: request.homeAccountId } : {}),
  });
  if ("problem" in choice) throw accountProblem(choice.problem, request);
  const account = choice.account;
  const found = findCachedToken(cache, environments, account.homeAccountId, request, client.now());
  if (found) {
    logger.verbose("shared token cache: access token served from the cache");
    return found;
  }
  const tenant = request.tenantId || "organizations";
  const candidates = Object.entries(cache.RefreshToken).filter(
    ([, rt]) =>
      String(rt.home_account_id).toLowerCase() === account.homeAccountId.toLowerCase() &&
      environments.includes(String(rt.environment).toLowerCase()) &&
      typeof rt.secret === "string" &&
      rt.secret !== "",
  );
  let refusal: unknown;
  for (const [key, rt] of candidates) {
    const secret = rt.secret as string;
    try {
      const grant = refreshTokenGrant(request.scopes, secret);
      const settings: RequestSettings = {};
      if (request.claims) settings.claims = request.claims;
      if (request.signal) settings.signal = request.signal;
      if (request.timeoutMs) settings.timeoutMs = request.timeoutMs;
      const result = await client.request(tenant, grant, settings);
      const now = Math.floor(client.now() / 1000);
      const ours = String(rt.client_id).toLowerCase() === client.clientId.toLowerCase();
      await file.update((current) => [
        ...changesForIssuedTokens(
          {
            environment: String(rt.environment),
            clientId: client.clientId,
            realm: account.realm || tenant,
            scopes: request.scopes,
            accessToken: result.accessToken,
            nowSeconds: now,
            expiresOnSeconds: Math.floor(result.expiresOnTimestamp / 1000),
            homeAccountId: account.homeAccountId,
            username: account.username,
            ...(result.refreshToken && ours ? { refreshToken: result.refreshToken } : {}),
            ...(rt.family_id ? { familyId: String(rt.family_id) } : {}),
          },
          current,
        ),
        // A family refresh token of another application is replaced in its own entry.
        ...(result.refreshToken && !ours
          ? [{ section: "RefreshToken" as const, key, entry: { secret: result.refreshToken } }]
          : []),
      ]);
      return toAccessToken(result);
    } catch (error) {
      if (!(error instanceof AuthenticationError && error.code === "invalid_grant")) throw error;
      refusal = error;
      logger.warning("shared token cache: a refresh token was refused (invalid_grant) and removed");
      await file.update(() => [{ section: "RefreshToken", key, entry: undefined }]);
    }
  }
  throw new CredentialUnavailableError(
    `SharedTokenCacheCredential: Token acquisition failed for user '${account.username}'. To fix, re-authenticate through developer tooling supporting Azure single sign on.`,
    { code: "ERR_AUTHENTICATION_REQUIRED", cause: refusal },
  );
}

function findCachedToken(
  cache: MsalCache,
  environments: string[],
  homeAccountId: string,
  request: SharedCacheRequest,
  nowMs: number,
): AccessToken | undefined {
  if (request.claims) return undefined;
  const realms = request.tenantId
    ? [request.tenantId]
    : [...new Set(Object.values(cache.AccessToken).map((e) => String(e.realm)))];
  for (const realm of realms) {
    // Any application's access token for the account serves, as in azure-identity.
    for (const clientId of new Set(
      Object.values(cache.AccessToken).map((e) => String(e.client_id)),
    )) {
      const found = findAccessToken(cache, {
        homeAccountId,
        environments,
        clientId,
        realm,
        scopes: request.scopes,
        nowSeconds: Math.floor(nowMs / 1000),
        marginSeconds: EXPIRY_MARGIN_MS / 1000,
      });
      if (found) return cachedAccessToken(found);
    }
  }
  return undefined;
}

function accountProblem(
  problem: "none" | "several" | "no-match" | "several-match",
  request: SharedCacheRequest,
): CredentialUnavailableError {
  const who = `username: ${request.username ?? ""} tenant: ${request.tenantId ?? ""}`;
  const how =
    "Set AZURE_USERNAME (the username option) and AZURE_TENANT_ID (tenantId) to choose the account.";
  const text = {
    none: `${UNAVAILABLE} No accounts were found in the cache. Sign in with a Microsoft developer tool, or use AzureCliCredential.`,
    several: `${UNAVAILABLE} Multiple accounts were found in the cache. Use username and tenant id to disambiguate. ${how}`,
    "no-match": `${UNAVAILABLE} No account matching the specified ${who} was found in the cache. ${how}`,
    "several-match": `${UNAVAILABLE} Multiple accounts matching the specified ${who} were found in the cache. ${how}`,
  }[problem];
  return new CredentialUnavailableError(text, { code: "ERR_SHARED_CACHE_ACCOUNT" });
}
