/**
 * The seam between the credentials and the persistent token cache. Credentials hold a
 * {@link PersistentTokenStore} only when `tokenCachePersistenceOptions.enabled` is true. The
 * persistence code (files, locks, OS tools, crypto) comes from the plugin of
 * `entra-zero/persistence` and is loaded on first use, so a program that does not register it
 * neither loads nor bundles it.
 *
 * @module
 */
import { InvalidArgumentError, messageOf, TokenCacheError } from "../errors.js";
import type { AccessToken, InternalOptions, TokenCachePersistenceOptions } from "../types.js";
import type { TokenResult } from "../oauth/token_response.js";
import type { CredentialLogger } from "../util/logger.js";
import { HOW_TO_ENABLE_PERSISTENCE, registeredPersistence } from "./persistence_registry.js";

/** Which cached tokens a lookup or a save is about. */
export interface TokenQuery {
  tenantId: string;
  scopes: readonly string[];
  /** CAE tokens live in `<name>.cae`, others in `<name>.nocae`. */
  cae: boolean;
  /** A user's `<uid>.<utid>`; absent for application tokens. */
  homeAccountId?: string;
  /** The tenant the cached tokens were issued by, when it differs from `tenantId` (`organizations`). */
  realm?: string;
  /** OBO: the hash of the user assertion. */
  partition?: string;
}

/** The persistent cache as a credential sees it. No method ever throws: failures are logged. */
export interface PersistentTokenStore {
  /** A cached access token valid for more than five minutes, not past its refresh time. */
  accessToken(query: TokenQuery): Promise<AccessToken | undefined>;
  /** The account's refresh token for this client (or a family refresh token). */
  refreshToken(query: Pick<TokenQuery, "cae" | "homeAccountId">): Promise<string | undefined>;
  /** Stores what a token reply brought (access, refresh and id tokens, account). */
  save(query: TokenQuery, result: TokenResult): Promise<void>;
  /** Removes a refresh token Entra refused. */
  forgetRefreshToken(cae: boolean, refreshToken: string): Promise<void>;
}

/** What the store needs to know about its credential. */
export interface StoreContext {
  credentialName: string;
  clientId: string;
  /** The authority host URL, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  logger: CredentialLogger;
  now: () => number;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  spawn?: InternalOptions["spawn"];
}

/** Validated persistence settings. */
export interface PersistenceSettings {
  name: string;
  allowUnencrypted: boolean;
}

/**
 * Validates `tokenCachePersistenceOptions`.
 *
 * @returns the settings when persistence is enabled, else undefined.
 * @throws InvalidArgumentError for a non-boolean `enabled`/`unsafeAllowUnencryptedStorage` or a
 *   `name` that is not a plain file name.
 */
export function persistenceSettings(
  credentialName: string,
  options: TokenCachePersistenceOptions | undefined,
): PersistenceSettings | undefined {
  if (options === undefined) return undefined;
  const fail = (message: string) =>
    new InvalidArgumentError(
      `${credentialName}: tokenCachePersistenceOptions.${message}`,
      "ERR_INVALID_ARG_TYPE",
    );
  if (options === null || typeof options !== "object") throw fail("must be an object.");
  if (typeof options.enabled !== "boolean") throw fail("enabled must be a boolean.");
  const unsafe = options.unsafeAllowUnencryptedStorage;
  if (unsafe !== undefined && typeof unsafe !== "boolean")
    throw fail("unsafeAllowUnencryptedStorage must be a boolean.");
  const name = options.name ?? "msal.cache";
  if (typeof name !== "string" || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/.test(name))
    throw new InvalidArgumentError(
      `${credentialName}: tokenCachePersistenceOptions.name must be a file name of letters, digits, ".", "_" and "-".`,
    );
  return options.enabled ? { name, allowUnencrypted: unsafe === true } : undefined;
}

/**
 * Opens the persistent store of a credential, or returns undefined when persistence is off. The
 * plugin's cache code is imported on the first call of a method.
 *
 * @throws InvalidArgumentError for malformed options (see {@link persistenceSettings}).
 * @throws TokenCacheError `ERR_CACHE_PLUGIN_MISSING` when persistence is enabled but the plugin of
 *   `entra-zero/persistence` was not registered (as `@azure/identity` throws without its plugin).
 */
export function openTokenStore(
  options: TokenCachePersistenceOptions | undefined,
  context: StoreContext,
): PersistentTokenStore | undefined {
  const settings = persistenceSettings(context.credentialName, options);
  if (!settings) return undefined;
  const provider = registeredPersistence();
  if (!provider)
    throw new TokenCacheError(
      "ERR_CACHE_PLUGIN_MISSING",
      `${context.credentialName}: tokenCachePersistenceOptions.enabled needs the persistence plugin: ${HOW_TO_ENABLE_PERSISTENCE}.`,
    );
  let loaded: Promise<PersistentTokenStore | undefined> | undefined;
  const store = () =>
    (loaded ??= provider.load().then(
      (parts) => parts.createPersistentStore(settings, context),
      (error: unknown) => {
        context.logger.warning(`token cache: could not be loaded: ${messageOf(error)}`);
        return undefined;
      },
    ));
  return {
    accessToken: async (query) => (await store())?.accessToken(query),
    refreshToken: async (query) => (await store())?.refreshToken(query),
    save: async (query, result) => (await store())?.save(query, result),
    forgetRefreshToken: async (cae, token) => (await store())?.forgetRefreshToken(cae, token),
  };
}

/** What a credential's store is opened from: its token client and its options. */
export interface CredentialStoreSource {
  client: Pick<StoreContext, "credentialName" | "clientId" | "logger" | "now"> & {
    authority: { host: string };
  };
  options: {
    tokenCachePersistenceOptions?: TokenCachePersistenceOptions;
    env?: NodeJS.ProcessEnv;
    platform?: NodeJS.Platform;
    spawn?: InternalOptions["spawn"];
  };
}

/** {@link openTokenStore} for a credential: the context comes from its token client and options. */
export function openCredentialStore({
  client,
  options,
}: CredentialStoreSource): PersistentTokenStore | undefined {
  return openTokenStore(options.tokenCachePersistenceOptions, {
    credentialName: client.credentialName,
    clientId: client.clientId,
    authorityHost: client.authority.host,
    logger: client.logger,
    now: client.now,
    env: options.env ?? process.env,
    platform: options.platform ?? process.platform,
    ...(options.spawn ? { spawn: options.spawn } : {}),
  });
}
