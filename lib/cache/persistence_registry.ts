/**
 * Where the persistence plugin (`entra-zero/persistence`) leaves its provider for the credentials.
 * The main entry knows only this seam, never the cache code itself, so a program that does not
 * register the plugin does not carry files, locks, keyring tools or the MSAL format in its bundle.
 *
 * @module
 */
import type { createPersistentStore } from "./persistent_store.js";
import type { tokenFromSharedCache } from "./shared_cache.js";

/** The cache code the plugin supplies, loaded on first use. */
export interface PersistenceParts {
  createPersistentStore: typeof createPersistentStore;
  tokenFromSharedCache: typeof tokenFromSharedCache;
}

const PROVIDER = Symbol("entra-zero persistence provider");

/** What `cachePersistencePlugin` hands to `useIdentityPlugin`. */
export interface PersistenceProvider {
  readonly [PROVIDER]: true;
  /** Imports the cache code; called on the first cache read or write. */
  load(): Promise<PersistenceParts>;
}

let registered: PersistenceProvider | undefined;

/** Wraps the plugin's loader so `useIdentityPlugin` can tell it from another package's. */
export function persistenceProvider(load: () => Promise<PersistenceParts>): PersistenceProvider {
  return { [PROVIDER]: true, load };
}

/** Whether a value came from {@link persistenceProvider}. */
export function isPersistenceProvider(value: unknown): value is PersistenceProvider {
  return typeof value === "object" && value !== null && PROVIDER in value;
}

/** Makes persistence available to every credential created from now on. */
export function registerPersistence(provider: PersistenceProvider): void {
  registered = provider;
}

/** The registered provider, or undefined while the plugin has not been registered. */
export function registeredPersistence(): PersistenceProvider | undefined {
  return registered;
}

/** The one sentence that says how to register the plugin, for errors and log lines. */
export const HOW_TO_ENABLE_PERSISTENCE =
  'call useIdentityPlugin(cachePersistencePlugin) first, with the plugin exported by "entra-zero/persistence"';
