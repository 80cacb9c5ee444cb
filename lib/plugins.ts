import {
  HOW_TO_ENABLE_PERSISTENCE,
  isPersistenceProvider,
  registerPersistence,
} from "./cache/persistence_registry.js";
import { messageOf } from "./errors.js";
import type { IdentityPlugin } from "./types.js";
import { logger } from "./util/logger.js";

const BUILT_IN = {
  cachePluginControl: {
    setPersistence: (provider: unknown) => {
      if (!isPersistenceProvider(provider)) {
        logger.warning(
          `useIdentityPlugin: this persistence plugin needs @azure/identity and native modules and was ignored; for entra-zero's own, ${HOW_TO_ENABLE_PERSISTENCE}.`,
        );
        return;
      }
      registerPersistence(provider);
      logger.info("useIdentityPlugin: persistent token caching is available.");
    },
  },
  nativeBrokerPluginControl: {
    setNativeBroker: () =>
      logger.warning(
        "useIdentityPlugin: the WAM broker needs a native module, which entra-zero does not load; the plugin was ignored.",
      ),
  },
  vsCodeCredentialControl: {
    setVSCodeAuthRecordPath: () => undefined,
    setVSCodeBroker: () =>
      logger.info(
        "useIdentityPlugin: VisualStudioCodeCredential needs no plugin in entra-zero; the plugin was ignored.",
      ),
  },
};

/**
 * Registers a plugin. `cachePersistencePlugin` of `entra-zero/persistence` enables the persistent
 * token cache. The plugins of `@azure/identity` (`@azure/identity-cache-persistence`,
 * `@azure/identity-vscode`, `@azure/identity-broker`) are accepted so start-up code written for
 * `@azure/identity` keeps running, but none is installed: each is told so in one log line (the
 * cache one names the plugin to use instead). Never throws.
 *
 * @param plugin - the plugin function.
 */
export function useIdentityPlugin(plugin: IdentityPlugin): void {
  try {
    plugin(BUILT_IN);
  } catch (error) {
    logger.warning(`useIdentityPlugin: the plugin failed and was ignored: ${messageOf(error)}`);
  }
}
