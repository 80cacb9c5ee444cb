/**
 * macOS: the login Keychain through `security` (`/usr/bin/security`, found on PATH), as the other
 * MSAL libraries use it: a generic password with service `Microsoft.Developer.IdentityService` and
 * account `MSALCache`.
 * The cache is written by `security -i` reading its command from stdin, with the data as hex
 * (`-X`), so it never appears in argv; the cache file is only touched as the change signal.
 *
 * @module
 */
import { TokenCacheError } from "../../errors.js";
import { touchSignalFile } from "../cache_files.js";
import { runTool, toolFailed, type ProtectionRoute, type RouteContext } from "./route.js";

/** The Keychain service name the MSAL libraries share. */
export const KEYCHAIN_SERVICE = "Microsoft.Developer.IdentityService";
/** The Keychain account name the MSAL libraries share. */
export const KEYCHAIN_ACCOUNT = "MSALCache";
/** `errSecItemNotFound`, as `security` reports it in its exit code. */
const ITEM_NOT_FOUND = 44;

/** Creates the macOS Keychain route. */
export function macosKeychainRoute(ctx: RouteContext): ProtectionRoute {
  // The process layer looks bare names up on PATH (macOS: /usr/bin) and refuses paths.
  const security = "security";
  const item = ["-s", KEYCHAIN_SERVICE, "-a", KEYCHAIN_ACCOUNT];
  const load = async (): Promise<string | undefined> => {
    const result = await runTool(ctx, [security, "find-generic-password", ...item, "-w"]);
    if (result.exitCode === ITEM_NOT_FOUND) return undefined;
    if (result.exitCode !== 0) throw toolFailed("security find-generic-password", result);
    const out = result.stdout.replace(/\n$/, "");
    // `security -w` prints data that is not plain ASCII as hex; JSON text starts with "{" (7b).
    if (/^7b(?:[0-9a-f]{2})*$/.test(out)) return Buffer.from(out, "hex").toString("utf8");
    return out;
  };
  return {
    name: "macOS Keychain (security)",
    usesFile: false,
    async probe() {
      if (ctx.platform !== "darwin")
        throw new TokenCacheError("ERR_CACHE_UNAVAILABLE", "the Keychain is macOS only.");
      await load();
    },
    load,
    async save(text) {
      const hex = Buffer.from(text, "utf8").toString("hex");
      const command = `add-generic-password -U ${item.join(" ")} -X ${hex}\n`;
      const result = await runTool(ctx, [security, "-i"], command);
      if (result.exitCode !== 0 || /error/i.test(result.stderr))
        throw toolFailed("security add-generic-password", {
          ...result,
          exitCode: result.exitCode || 1,
        });
      await touchSignalFile(ctx.filePath);
    },
  };
}
