/**
 * The MSAL unified token cache format, shared by MSAL Python, msal-node, MSAL.NET and the Azure
 * developer tools: pure parsing, serialization, key building, lookup and merging. No I/O.
 *
 * @module
 */
import { TokenCacheError } from "../errors.js";
import type { AccessToken } from "../types.js";

/** One entry of a section: snake_case string fields, plus any field another MSAL wrote. */
export type MsalEntry = Record<string, unknown>;

/** The five sections this package reads and writes. */
export const SECTIONS = [
  "AccessToken",
  "RefreshToken",
  "IdToken",
  "Account",
  "AppMetadata",
] as const;

/** One of {@link SECTIONS}. */
export type SectionName = (typeof SECTIONS)[number];

/** A parsed cache: each known section maps a key to an entry; unknown top-level fields are kept. */
export type MsalCache = Record<SectionName, Record<string, MsalEntry>> & Record<string, unknown>;

/** One change to apply to a cache: set or remove one entry. */
export interface CacheChange {
  section: SectionName;
  key: string;
  /** The new entry; `undefined` removes the key. */
  entry: MsalEntry | undefined;
}

/** The most bytes a cache file may have; larger is treated as foreign. */
export const MAX_CACHE_BYTES = 16 * 1024 * 1024;

/** An empty cache. */
export function emptyCache(): MsalCache {
  return { AccessToken: {}, RefreshToken: {}, IdToken: {}, Account: {}, AppMetadata: {} };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Parses the text of a cache file. An empty (or whitespace-only) text is an empty cache, as MSAL
 * Python writes nothing before its first token.
 *
 * @param text - the file's content, UTF-8 decoded.
 * @returns the cache; unknown sections and fields are kept for the next write.
 * @throws TokenCacheError (`ERR_CACHE_FORMAT`) for text that is not JSON, not an object, too
 *   large, or whose known sections or entries are not objects.
 */
export function parseMsalCache(text: string): MsalCache {
  if (typeof text !== "string") throw formatError("the content is not text");
  if (text.length > MAX_CACHE_BYTES) throw formatError("the content is over 16 MiB");
  if (text.trim() === "") return emptyCache();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw formatError(
      text.trimStart().startsWith("{") ? "the JSON is corrupt or truncated" : "it is not JSON",
    );
  }
  if (!isObject(raw)) throw formatError("the JSON is not an object");
  const cache = { ...raw } as MsalCache;
  for (const section of SECTIONS) {
    const value = raw[section];
    if (value === undefined) {
      cache[section] = {};
      continue;
    }
    if (!isObject(value)) throw formatError(`section "${section}" is not an object`);
    for (const entry of Object.values(value))
      if (!isObject(entry)) throw formatError(`an entry of "${section}" is not an object`);
    cache[section] = { ...(value as Record<string, MsalEntry>) };
  }
  return cache;
}

function formatError(reason: string): TokenCacheError {
  return new TokenCacheError("ERR_CACHE_FORMAT", `not an MSAL token cache: ${reason}.`);
}

/** Serializes a cache as MSAL Python does (four-space indentation). */
export function serializeMsalCache(cache: MsalCache): string {
  return JSON.stringify(cache, null, 4);
}

/**
 * Applies changes to a cache read from disk, returning a new cache; entries others wrote since are
 * kept, and an entry being set keeps the fields another MSAL added to it.
 */
export function applyChanges(cache: MsalCache, changes: readonly CacheChange[]): MsalCache {
  const next = { ...cache } as MsalCache;
  for (const section of SECTIONS) next[section] = { ...cache[section] };
  for (const { section, key, entry } of changes) {
    if (entry === undefined) delete next[section][key];
    else next[section][key] = { ...next[section][key], ...entry };
  }
  return next;
}

const lower = (parts: readonly string[]) => parts.join("-").toLowerCase();

/** The space-joined, sorted, lower-cased scopes MSAL stores as `target`. */
export function targetOf(scopes: readonly string[]): string {
  return [...new Set(scopes)].sort().join(" ");
}

/** Key of an access token entry. */
export function accessTokenKey(e: {
  homeAccountId: string;
  environment: string;
  clientId: string;
  realm: string;
  target: string;
}): string {
  return lower([e.homeAccountId, e.environment, "accesstoken", e.clientId, e.realm, e.target]);
}

/** Key of a refresh token entry (no realm: refresh tokens are cross-tenant; MSAL Python adds the target). */
export function refreshTokenKey(e: {
  homeAccountId: string;
  environment: string;
  clientId: string;
  target?: string;
}): string {
  return lower([e.homeAccountId, e.environment, "refreshtoken", e.clientId, "", e.target ?? ""]);
}

/** Key of an id token entry. */
export function idTokenKey(e: {
  homeAccountId: string;
  environment: string;
  clientId: string;
  realm: string;
}): string {
  return lower([e.homeAccountId, e.environment, "idtoken", e.clientId, e.realm, ""]);
}

/** Key of an account entry. */
export function accountKey(e: {
  homeAccountId: string;
  environment: string;
  realm: string;
}): string {
  return lower([e.homeAccountId, e.environment, e.realm]);
}

/** Key of an app metadata entry. */
export function appMetadataKey(e: { environment: string; clientId: string }): string {
  return lower(["appmetadata", e.environment, e.clientId]);
}

/** The authority host without its port, as MSAL stores `environment`. */
export function environmentOf(authorityHost: string): string {
  return authorityHost.replace(/:\d+$/, "").toLowerCase();
}

/** Hosts that are one cloud to MSAL: a token cached under one serves the others. */
const ALIASES: readonly (readonly string[])[] = [
  ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
  ["login.chinacloudapi.cn", "login.partner.microsoftonline.cn"],
  ["login.microsoftonline.us", "login.usgovcloudapi.net"],
];

/** The environments equivalent to `environment` (itself first). */
export function environmentAliases(environment: string): string[] {
  const group = ALIASES.find((g) => g.includes(environment.toLowerCase()));
  return [environment, ...(group ?? []).filter((e) => e !== environment.toLowerCase())];
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const seconds = (value: unknown): number => {
  const n = typeof value === "number" ? value : Number(str(value));
  return Number.isFinite(n) ? n : 0;
};

/** What a lookup of an access token matches. */
export interface AccessTokenQuery {
  homeAccountId: string;
  environments: readonly string[];
  clientId: string;
  realm: string;
  scopes: readonly string[];
  /** OBO: the hash of the user assertion the token belongs to. */
  userAssertionHash?: string;
  /** Now, in epoch seconds. */
  nowSeconds: number;
  /** Tokens expiring within this many seconds are not served. */
  marginSeconds: number;
}

/** A cached access token found by {@link findAccessToken}. */
export interface FoundAccessToken {
  key: string;
  secret: string;
  expiresOn: number;
  refreshOn?: number;
}

/** The `AccessToken` a cached entry stands for (times in milliseconds). */
export function cachedAccessToken(found: FoundAccessToken): AccessToken {
  const token: AccessToken = {
    token: found.secret,
    expiresOnTimestamp: found.expiresOn * 1000,
    tokenType: "Bearer",
  };
  if (found.refreshOn) token.refreshAfterTimestamp = found.refreshOn * 1000;
  return token;
}

/**
 * The access token for a query: `target` holds every requested scope (case-insensitive), not
 * expired (minus the margin), not past its `refresh_on`.
 */
export function findAccessToken(
  cache: MsalCache,
  q: AccessTokenQuery,
): FoundAccessToken | undefined {
  const wanted = q.scopes.map((s) => s.toLowerCase());
  const environments = q.environments.map((e) => e.toLowerCase());
  for (const [key, e] of Object.entries(cache.AccessToken)) {
    if (str(e.home_account_id).toLowerCase() !== q.homeAccountId.toLowerCase()) continue;
    if (!environments.includes(str(e.environment).toLowerCase())) continue;
    if (str(e.client_id).toLowerCase() !== q.clientId.toLowerCase()) continue;
    if (str(e.realm).toLowerCase() !== q.realm.toLowerCase()) continue;
    if (str(e.user_assertion_hash) !== (q.userAssertionHash ?? "")) continue;
    const target = new Set(str(e.target).toLowerCase().split(" "));
    if (!wanted.every((s) => target.has(s))) continue;
    const secret = str(e.secret);
    const expiresOn = seconds(e.expires_on);
    const refreshOn = e.refresh_on === undefined ? undefined : seconds(e.refresh_on);
    if (!secret || expiresOn - q.marginSeconds <= q.nowSeconds) continue;
    if (refreshOn !== undefined && refreshOn > 0 && refreshOn <= q.nowSeconds) continue;
    return { key, secret, expiresOn, ...(refreshOn ? { refreshOn } : {}) };
  }
  return undefined;
}

/** A cached refresh token found by {@link findRefreshToken}. */
export interface FoundRefreshToken {
  key: string;
  secret: string;
  clientId: string;
  familyId?: string;
}

/**
 * The refresh token of an account for a client: the client's own, else a family (FOCI) refresh
 * token when `acceptFamily` is set.
 */
export function findRefreshToken(
  cache: MsalCache,
  q: {
    homeAccountId: string;
    environments: readonly string[];
    clientId: string;
    acceptFamily?: boolean;
  },
): FoundRefreshToken | undefined {
  const environments = q.environments.map((e) => e.toLowerCase());
  let family: FoundRefreshToken | undefined;
  for (const [key, e] of Object.entries(cache.RefreshToken)) {
    if (str(e.home_account_id).toLowerCase() !== q.homeAccountId.toLowerCase()) continue;
    if (!environments.includes(str(e.environment).toLowerCase())) continue;
    const secret = str(e.secret);
    if (!secret) continue;
    const found: FoundRefreshToken = { key, secret, clientId: str(e.client_id) };
    if (str(e.family_id)) found.familyId = str(e.family_id);
    if (found.clientId.toLowerCase() === q.clientId.toLowerCase()) return found;
    if (q.acceptFamily && found.familyId) family ??= found;
  }
  return family;
}

/** The changes that remove every refresh token entry holding `secret`. */
export function removeRefreshToken(cache: MsalCache, secret: string): CacheChange[] {
  return Object.entries(cache.RefreshToken)
    .filter(([, e]) => e.secret === secret)
    .map(([key]) => ({ section: "RefreshToken", key, entry: undefined }));
}

/** What an issued token reply contributes to the cache. */
export interface IssuedTokens {
  environment: string;
  clientId: string;
  /** The tenant that issued the tokens. */
  realm: string;
  scopes: readonly string[];
  accessToken: string;
  /** Epoch seconds. */
  nowSeconds: number;
  expiresOnSeconds: number;
  refreshOnSeconds?: number;
  /** `<uid>.<utid>`; empty for application tokens. */
  homeAccountId: string;
  refreshToken?: string;
  familyId?: string;
  idToken?: string;
  /** `oid` (or `sub`) of the user. */
  localAccountId?: string;
  username?: string;
  userAssertionHash?: string;
}

/**
 * The entries MSAL writes for a token reply: access token, and for a user refresh token, id token,
 * account and app metadata. A new refresh token replaces the secret of the account's existing
 * entries for the client in `current` (as MSAL rotates them), else gets a new entry.
 */
export function changesForIssuedTokens(t: IssuedTokens, current?: MsalCache): CacheChange[] {
  const base = { home_account_id: t.homeAccountId, environment: t.environment };
  const target = targetOf(t.scopes);
  const at: MsalEntry = {
    ...base,
    credential_type: "AccessToken",
    secret: t.accessToken,
    client_id: t.clientId,
    target,
    realm: t.realm,
    token_type: "Bearer",
    cached_at: String(t.nowSeconds),
    expires_on: String(t.expiresOnSeconds),
    extended_expires_on: String(t.expiresOnSeconds),
  };
  if (t.refreshOnSeconds !== undefined) at.refresh_on = String(t.refreshOnSeconds);
  if (t.userAssertionHash) at.user_assertion_hash = t.userAssertionHash;
  const keyed = {
    homeAccountId: t.homeAccountId,
    environment: t.environment,
    clientId: t.clientId,
  };
  const changes: CacheChange[] = [
    {
      section: "AccessToken",
      key: accessTokenKey({ ...keyed, realm: t.realm, target }),
      entry: at,
    },
  ];
  const same = (a: unknown, b: string) => str(a).toLowerCase() === b.toLowerCase();
  const existing = Object.entries(current?.RefreshToken ?? {}).filter(
    ([, e]) =>
      same(e.home_account_id, t.homeAccountId) &&
      same(e.environment, t.environment) &&
      same(e.client_id, t.clientId) &&
      same(e.user_assertion_hash, t.userAssertionHash ?? ""),
  );
  if (t.refreshToken && existing.length > 0) {
    for (const [key] of existing) {
      const entry: MsalEntry = {
        secret: t.refreshToken,
        last_modification_time: String(t.nowSeconds),
      };
      if (t.familyId) entry.family_id = t.familyId;
      changes.push({ section: "RefreshToken", key, entry });
    }
  } else if (t.refreshToken) {
    const rt: MsalEntry = {
      ...base,
      credential_type: "RefreshToken",
      secret: t.refreshToken,
      client_id: t.clientId,
      target,
      last_modification_time: String(t.nowSeconds),
    };
    if (t.familyId) rt.family_id = t.familyId;
    if (t.userAssertionHash) rt.user_assertion_hash = t.userAssertionHash;
    changes.push({
      section: "RefreshToken",
      key: refreshTokenKey({ ...keyed, target }),
      entry: rt,
    });
  }
  if (t.idToken) {
    changes.push({
      section: "IdToken",
      key: idTokenKey({ ...keyed, realm: t.realm }),
      entry: {
        ...base,
        credential_type: "IdToken",
        secret: t.idToken,
        realm: t.realm,
        client_id: t.clientId,
      },
    });
  }
  if (t.homeAccountId && (t.idToken || t.refreshToken)) {
    changes.push({
      section: "Account",
      key: accountKey({ ...keyed, realm: t.realm }),
      entry: {
        ...base,
        realm: t.realm,
        local_account_id: t.localAccountId ?? t.homeAccountId.split(".")[0] ?? "",
        username: t.username ?? "",
        authority_type: t.realm === "adfs" ? "ADFS" : "MSSTS",
      },
    });
    const meta: MsalEntry = { client_id: t.clientId, environment: t.environment };
    if (t.familyId) meta.family_id = t.familyId;
    changes.push({ section: "AppMetadata", key: appMetadataKey(keyed), entry: meta });
  }
  return changes;
}

/** An account entry, as the shared-cache account selection sees it. */
export interface CachedAccount {
  homeAccountId: string;
  environment: string;
  realm: string;
  username: string;
}

/** The accounts of a cache in the given environments. */
export function accountsOf(cache: MsalCache, environments: readonly string[]): CachedAccount[] {
  const envs = environments.map((e) => e.toLowerCase());
  return Object.values(cache.Account)
    .filter((e) => envs.includes(str(e.environment).toLowerCase()) && str(e.home_account_id))
    .map((e) => ({
      homeAccountId: str(e.home_account_id),
      environment: str(e.environment),
      realm: str(e.realm),
      username: str(e.username),
    }));
}
