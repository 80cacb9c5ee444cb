/**
 * The refresh token the deprecated "Azure Account" extension of VS Code kept in the Secret Service
 * (through keytar: attributes `service=VS Code Azure`, `account=<cloud>`), read with `secret-tool`.
 * Loaded by `VisualStudioCodeCredential` only when it looks for it.
 *
 * @module
 */
import { runTool, type RouteContext } from "./protection/route.js";

/** The keytar service name of the Azure Account extension. */
export const VSCODE_LEGACY_SERVICE = "VS Code Azure";

/**
 * The legacy refresh token for a cloud (`AzureCloud`, …), or undefined when there is none or the
 * Secret Service is not reachable.
 */
export async function legacyRefreshToken(
  cloud: string,
  ctx: Pick<RouteContext, "env" | "platform" | "spawn" | "timeoutMs">,
): Promise<string | undefined> {
  if (ctx.platform !== "linux" || !ctx.env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  const route = { ...ctx, fileName: "", filePath: "" };
  try {
    const result = await runTool(route, [
      "secret-tool",
      "lookup",
      "service",
      VSCODE_LEGACY_SERVICE,
      "account",
      cloud,
    ]);
    const token = result.exitCode === 0 ? result.stdout.trim() : "";
    return token && !/\s/.test(token) ? token : undefined;
  } catch {
    return undefined;
  }
}
