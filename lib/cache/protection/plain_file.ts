/**
 * The unprotected route: the cache as plain JSON in the cache file (0600), only with
 * `unsafeAllowUnencryptedStorage`. The file MSAL Python's `FilePersistence` reads and writes.
 *
 * @module
 */
import { readCacheFile, writeCacheFile } from "../cache_files.js";
import type { ProtectionRoute, RouteContext } from "./route.js";

/** Creates the plain-file route. */
export function plainFileRoute(ctx: RouteContext): ProtectionRoute {
  return {
    name: "plain file (unencrypted)",
    usesFile: true,
    probe: async () => undefined,
    async load() {
      const found = await readCacheFile(ctx.filePath);
      return found?.data.toString("utf8");
    },
    save: (text) => writeCacheFile(ctx.filePath, text),
  };
}
