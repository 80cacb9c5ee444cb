/**
 * What every protection route of the persistent cache offers, and the one way routes run OS tools.
 *
 * @module
 */
import { TokenCacheError } from "../../errors.js";
import { ProcessError, run, type ProcessResult } from "../../process/run.js";
import type { InternalOptions } from "../../types.js";

/** Where and how a route keeps one cache (`<name>.nocae` or `<name>.cae`). */
export interface RouteContext {
  /** The cache file name, e.g. `msal.cache.nocae`. */
  fileName: string;
  /** Its full path under the cache directory (content, or signal file for keyring routes). */
  filePath: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** Limit of each OS tool run (default 10 s). */
  timeoutMs?: number;
  spawn?: InternalOptions["spawn"];
}

/** A way to keep the cache at rest. */
export interface ProtectionRoute {
  /** Shown in logs and errors, e.g. `Secret Service (secret-tool)`. */
  readonly name: string;
  /** Whether the cache content itself lives in `filePath` (so a file lock there guards it). */
  readonly usesFile: boolean;
  /**
   * Checks that the route works here.
   * @throws TokenCacheError (`ERR_CACHE_UNAVAILABLE` or `ERR_CACHE_PROTECTION`) saying why not.
   */
  probe(): Promise<void>;
  /** The stored cache text, or undefined when nothing is stored. */
  load(): Promise<string | undefined>;
  /** Stores the cache text. */
  save(text: string): Promise<void>;
}

/**
 * Runs an OS tool for a route through the process layer: no shell, data on stdin only.
 *
 * @throws TokenCacheError `ERR_CACHE_UNAVAILABLE` when the tool is not installed,
 *   `ERR_CACHE_PROTECTION` when it hangs (timeout), is killed or cannot start.
 */
export async function runTool(
  ctx: RouteContext,
  argv: readonly string[],
  input?: string,
): Promise<ProcessResult> {
  try {
    return await run(argv, {
      env: ctx.env,
      platform: ctx.platform,
      timeoutMs: ctx.timeoutMs ?? 10_000,
      ...(input === undefined ? {} : { input }),
      ...(ctx.spawn ? { spawn: ctx.spawn } : {}),
    });
  } catch (error) {
    if (error instanceof ProcessError && error.code === "ENOENT")
      throw new TokenCacheError("ERR_CACHE_UNAVAILABLE", `${argv[0]} is not installed.`, {
        cause: error,
      });
    throw new TokenCacheError("ERR_CACHE_PROTECTION", (error as Error).message, { cause: error });
  }
}

/** The failure of a tool that exited non-zero, with the first line of its stderr (never stdin data). */
export function toolFailed(tool: string, result: ProcessResult): TokenCacheError {
  const line = result.stderr.split(/\r?\n/).find((l) => l.trim()) ?? "";
  const detail = line
    .trim()
    .slice(0, 200)
    .replace(/[^\x20-\x7e]/g, "?");
  const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.exitCode}`;
  return new TokenCacheError(
    "ERR_CACHE_PROTECTION",
    `${tool} ${how}${detail ? `: ${detail}` : ""}.`,
  );
}
