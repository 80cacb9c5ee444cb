/**
 * Opens a URL in the system browser through the process layer: no shell, a fixed program per
 * platform, and the URL checked first so it can never be read as an option or a command.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { run, type Spawner } from "./run.js";

/** Options of {@link openSystemBrowser}. */
export interface OpenBrowserOptions {
  /** The environment whose `PATH` is searched; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The platform rules to apply; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** How long the opener may run (default 10 000 ms). */
  timeoutMs?: number;
  /** The spawner; default `child_process.spawn`. */
  spawn?: Spawner;
}

/**
 * Throws unless `url` is an absolute `https:` URL without whitespace or control characters.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`).
 */
export function checkBrowserUrl(credentialName: string, url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.protocol !== "https:" || /[\u0000-\u0020\u007f-\u009f]/.test(url)) {
    throw new InvalidArgumentError(
      `${credentialName}: refusing to open a sign-in URL that is not https or holds whitespace or control characters.`,
    );
  }
  return url;
}

/** The command that opens `url` on `platform`. */
export function browserCommand(url: string, platform: NodeJS.Platform): string[] {
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  if (platform === "darwin") return ["open", url];
  return ["xdg-open", url];
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
  const platform = options.platform ?? process.platform;
  try {
    const result = await run(browserCommand(url, platform), {
      timeoutMs: options.timeoutMs ?? 10_000,
      platform,
      ...(options.env ? { env: options.env } : {}),
      ...(options.spawn ? { spawn: options.spawn } : {}),
    });
    return result.exitCode === 0;
  } catch {
    return false;
  }
}
