/**
 * Windows: DPAPI (current user) through PowerShell, the file holding the DPAPI blob exactly as
 * msal-extensions' `FilePersistenceWithDataProtection` writes it. The data goes to PowerShell as
 * base64 on stdin and comes back as base64 on stdout; the script is a constant.
 *
 * @module
 */
import { TokenCacheError } from "../../errors.js";
import { readCacheFile, writeCacheFile } from "../cache_files.js";
import { runTool, toolFailed, type ProtectionRoute, type RouteContext } from "./route.js";

/** The constant script: `Protect` or `Unprotect` base64 from stdin to base64 on stdout. */
export function dpapiScript(operation: "Protect" | "Unprotect"): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    "Add-Type -AssemblyName System.Security",
    "$in = [Convert]::FromBase64String([Console]::In.ReadToEnd().Trim())",
    `$out = [Security.Cryptography.ProtectedData]::${operation}($in, $null, [Security.Cryptography.DataProtectionScope]::CurrentUser)`,
    "[Console]::Out.Write([Convert]::ToBase64String($out))",
  ].join("; ");
}

/**
 * Creates the DPAPI route.
 *
 * @param program - the PowerShell to run (default `powershell.exe`, which has `ProtectedData`).
 */
export function windowsDpapiRoute(ctx: RouteContext, program = "powershell.exe"): ProtectionRoute {
  const transform = async (operation: "Protect" | "Unprotect", data: Buffer): Promise<Buffer> => {
    const argv = [program, "-NoProfile", "-NonInteractive", "-Command", dpapiScript(operation)];
    const result = await runTool(ctx, argv, data.toString("base64"));
    if (result.exitCode !== 0) throw toolFailed(`PowerShell DPAPI ${operation}`, result);
    const out = result.stdout.trim();
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(out) || (out === "" && data.length > 0))
      throw new TokenCacheError(
        "ERR_CACHE_PROTECTION",
        `PowerShell DPAPI ${operation} printed something that is not base64.`,
      );
    return Buffer.from(out, "base64");
  };
  return {
    name: "Windows DPAPI (PowerShell)",
    usesFile: true,
    async probe() {
      if (ctx.platform !== "win32" && program === "powershell.exe")
        throw new TokenCacheError("ERR_CACHE_UNAVAILABLE", "DPAPI is Windows only.");
      const probe = Buffer.from("entra-zero probe");
      const back = await transform("Unprotect", await transform("Protect", probe));
      if (!back.equals(probe))
        throw new TokenCacheError(
          "ERR_CACHE_PROTECTION",
          "DPAPI did not return what it protected.",
        );
    },
    async load() {
      const found = await readCacheFile(ctx.filePath);
      if (!found || found.data.length === 0) return undefined;
      return (await transform("Unprotect", found.data)).toString("utf8");
    },
    async save(text) {
      await writeCacheFile(ctx.filePath, await transform("Protect", Buffer.from(text, "utf8")));
    },
  };
}
