/**
 * Linux desktops: the Secret Service (GNOME Keyring, KWallet) through `secret-tool` from
 * libsecret-tools. The item is the one msal-extensions (Python) writes for `azure-identity`:
 * schema `<cache file name>` (attribute `xdg:schema`), attribute
 * `MsalClientID=Microsoft.Developer.IdentityService`, label `MSALCache`, secret = the cache JSON.
 * The cache file itself is only touched, as the change signal MSAL watches.
 *
 * @module
 */
import { TokenCacheError } from "../../errors.js";
import { touchSignalFile } from "../cache_files.js";
import { runTool, toolFailed, type ProtectionRoute, type RouteContext } from "./route.js";

/** The attribute msal-extensions and `azure-identity` give the item. */
export const MSAL_CLIENT_ATTRIBUTE = ["MsalClientID", "Microsoft.Developer.IdentityService"];
/** The item's label, as `azure-identity` (Python) sets it. */
export const SECRET_LABEL = "MSALCache";

/** Creates the Secret Service route. */
export function secretServiceRoute(ctx: RouteContext): ProtectionRoute {
  const attributes = (schema: string) => ["xdg:schema", schema, ...MSAL_CLIENT_ATTRIBUTE];
  const lookup = async (schema: string): Promise<string | undefined> => {
    const result = await runTool(ctx, ["secret-tool", "lookup", ...attributes(schema)]);
    // Exit 1 with nothing on stderr is "no such item"; anything on stderr is a failure.
    if (result.exitCode === 1 && result.stderr.trim() === "") return undefined;
    if (result.exitCode !== 0) throw toolFailed("secret-tool lookup", result);
    return result.stdout;
  };
  const store = async (schema: string, label: string, secret: string): Promise<void> => {
    const argv = ["secret-tool", "store", `--label=${label}`, ...attributes(schema)];
    const result = await runTool(ctx, argv, secret);
    if (result.exitCode !== 0) throw toolFailed("secret-tool store", result);
  };
  return {
    name: "Secret Service (secret-tool)",
    usesFile: false,
    async probe() {
      if (ctx.platform !== "linux")
        throw new TokenCacheError("ERR_CACHE_UNAVAILABLE", "the Secret Service is Linux only.");
      if (!ctx.env.DBUS_SESSION_BUS_ADDRESS)
        throw new TokenCacheError(
          "ERR_CACHE_UNAVAILABLE",
          "no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set).",
        );
      // A round trip: a locked or absent keyring fails here rather than on the first token.
      const probe = `entra-zero.probe.${process.pid}`;
      await store(probe, "entra-zero probe", "ok");
      if ((await lookup(probe)) !== "ok")
        throw new TokenCacheError(
          "ERR_CACHE_PROTECTION",
          "secret-tool did not return what was stored.",
        );
      await runTool(ctx, ["secret-tool", "clear", ...attributes(probe)]).catch(() => undefined);
    },
    load: () => lookup(ctx.fileName),
    async save(text) {
      await store(ctx.fileName, SECRET_LABEL, text);
      await touchSignalFile(ctx.filePath);
    },
  };
}
