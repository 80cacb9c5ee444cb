import { messageOf } from "./errors.js";
import type { IdentityPlugin } from "./types.js";
import { logger } from "./util/logger.js";

const BUILT_IN = {
  cachePluginControl: {
    setPersistence: () =>
      logger.info(
        "useIdentityPlugin: persistent token caching is built into entra-zero; the plugin is not needed and was not installed.",
      ),
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
 * Accepts an `@azure/identity` plugin (`@azure/identity-cache-persistence`,
 * `@azure/identity-vscode`, `@azure/identity-broker`) so start-up code written for
 * `@azure/identity` keeps running. Nothing is installed: each plugin is told what it offers is built
 * in (or, for the native broker, not supported), and a line is logged. Never throws.
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
