/**
 * `entra-zero/persistence`: the persistent token cache, as a plugin. Register it once, before
 * creating credentials, with `useIdentityPlugin(cachePersistencePlugin)` (`useIdentityPlugin` of the
 * main entry, the plugin of this one), exactly where code written for `@azure/identity` registers
 * `@azure/identity-cache-persistence`. It needs no native module. Importing it loads nothing
 * heavy: the cache code is imported on the first cache read or write.
 *
 * @module
 */
import { persistenceProvider, type PersistenceProvider } from "./cache/persistence_registry.js";
import { InvalidArgumentError } from "./errors.js";
import type { IdentityPlugin } from "./types.js";

const PROVIDER = persistenceProvider(() => import("./cache/persistence_parts.js"));

/**
 * Enables `tokenCachePersistenceOptions` on every credential that takes them, and lets
 * `SharedTokenCacheCredential` and `VisualStudioCodeCredential` read the shared developer cache.
 * Pass it to `useIdentityPlugin` of this package.
 */
export const cachePersistencePlugin: IdentityPlugin = (context) => {
  const control = (context as { cachePluginControl?: { setPersistence?: unknown } } | null)
    ?.cachePluginControl;
  if (typeof control?.setPersistence !== "function")
    throw new InvalidArgumentError(
      'cachePersistencePlugin: pass it to useIdentityPlugin of "entra-zero", not of another package.',
    );
  (control.setPersistence as (provider: PersistenceProvider) => void)(PROVIDER);
};
