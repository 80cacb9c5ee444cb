/**
 * Opens a URL in the system browser through the process layer: no shell, a fixed program per
 * platform, and the URL checked first so it can never be read as an option or a command.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { run, type RunOptions } from "./run.js";

/** Options of {@link openSystemBrowser}: `env` (whose `PATH` is searched), `platform`, `timeoutMs` (default 10 000) and `spawn`. */
export type OpenBrowserOptions = Pick<RunOptions, "env" | "platform" | "timeoutMs" | "spawn">;

const SPACE_OR_CONTROL = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * Throws unless `url` is an absolute `https:` URL without whitespace or control characters.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`).
 */
export function checkBrowserUrl(credentialName: string, url: string): void {
  if (SPACE_OR_CONTROL.test(url) || !URL.canParse(url) || new URL(url).protocol !== "https:") {
    throw new InvalidArgumentError(
      `${credentialName}: refusing to open a sign-in URL that is not https or holds whitespace or control characters.`,
    );
  }
}

/** The command that opens `url` on `platform`. */
export function browserCommand(url: string, platform: NodeJS.Platform): string[] {
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return [platform === "darwin" ? "open" : "xdg-open", url];
}

/**
 * Opens `url` with `xdg-open`, `open` or `rundll32 url.dll,FileProtocolHandler`.
 *
 * @returns true when the opener ran and exited 0; false when it is missing or failed, in which
 *   case the caller prints the URL for the user.
 * @throws InvalidArgumentError for a URL {@link checkBrowserUrl} refuses.
 */
export async function openSystemBrowser(
  credentialName: string,
  url: string,
  options: OpenBrowserOptions = {},
): Promise<boolean> {
  checkBrowserUrl(credentialName, url);
  const command = browserCommand(url, options.platform ?? process.platform);
  const result = await run(command, options).catch(() => undefined);
  return result?.exitCode === 0;
}
