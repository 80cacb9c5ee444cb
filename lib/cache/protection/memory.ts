/**
 * The last resort: the cache lives in this process only, shared by its credentials of one cache
 * name. Tokens survive nothing, but `getToken` keeps working.
 *
 * @module
 */
import type { ProtectionRoute, RouteContext } from "./route.js";

const stores = new Map<string, string>();

/** Creates the in-memory route for one cache file name. */
export function memoryRoute(ctx: RouteContext): ProtectionRoute {
  return {
    name: "memory only (not persisted)",
    usesFile: false,
    probe: async () => undefined,
    load: async () => stores.get(ctx.filePath),
    save: async (text) => void stores.set(ctx.filePath, text),
  };
}
