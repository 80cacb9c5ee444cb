/**
 * File I/O of the persistent cache: the `.IdentityService` directory (0700), reading a cache file
 * with a size bound, and atomic replacement (a 0600 temporary file renamed over the old one).
 *
 * @module
 */
import { chmod, mkdir, open, rename, stat, unlink, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { TokenCacheError } from "../errors.js";
import { MAX_CACHE_BYTES } from "./msal_cache_format.js";

/**
 * The directory of the persistent cache: `%LOCALAPPDATA%\.IdentityService` on Windows, else
 * `~/.IdentityService`.
 *
 * @throws TokenCacheError `ERR_CACHE_IO` when neither `LOCALAPPDATA` (Windows) nor a home directory is known.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const base = platform === "win32" ? env.LOCALAPPDATA : env.HOME || env.USERPROFILE;
  if (!base)
    throw new TokenCacheError(
      "ERR_CACHE_IO",
      platform === "win32" ? "LOCALAPPDATA is not set." : "HOME is not set.",
    );
  return join(base, ".IdentityService");
}

function ioError(path: string, what: string, error: unknown): TokenCacheError {
  const code = (error as NodeJS.ErrnoException).code ?? "error";
  const reason = code === "EISDIR" ? "it is a directory" : code;
  return new TokenCacheError("ERR_CACHE_IO", `${path} could not be ${what} (${reason}).`, {
    cause: error,
  });
}

/** What {@link readCacheFile} found. */
export interface CacheFileContent {
  data: Buffer;
  /** Whether group or others may read the file (POSIX). */
  readableByOthers: boolean;
}

/**
 * Reads a cache file, or returns undefined when there is none.
 *
 * @throws TokenCacheError `ERR_CACHE_IO` for a directory, an unreadable or oversized file.
 */
export async function readCacheFile(path: string): Promise<CacheFileContent | undefined> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioError(path, "read", error);
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw ioError(path, "read", { code: "EISDIR" });
    if (!info.isFile()) throw ioError(path, "read", { code: "not a regular file" });
    if (info.size > MAX_CACHE_BYTES) throw ioError(path, "read", { code: "over 16 MiB" });
    const data = await handle.readFile();
    return { data, readableByOthers: process.platform !== "win32" && (info.mode & 0o044) !== 0 };
  } catch (error) {
    if (error instanceof TokenCacheError) throw error;
    throw ioError(path, "read", error);
  } finally {
    await handle.close();
  }
}

/**
 * Replaces a cache file atomically: the data goes to a 0600 temporary file in the same directory,
 * which is then renamed over the old file. Creates the directory with mode 0700 if needed.
 *
 * @throws TokenCacheError `ERR_CACHE_IO` when the directory or file cannot be written.
 */
export async function writeCacheFile(path: string, data: string | Buffer): Promise<void> {
  await ensureDirectory(dirname(path));
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    const handle = await open(temp, "wx", 0o600);
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw ioError(path, "written", error);
  }
}

/** Creates the cache directory with mode 0700 (and its parents) when it does not exist. */
export async function ensureDirectory(directory: string): Promise<void> {
  try {
    const info = await stat(directory).catch(() => undefined);
    if (info?.isDirectory()) return;
    await mkdir(directory, { recursive: true, mode: 0o700 });
    await chmod(directory, 0o700);
  } catch (error) {
    throw ioError(directory, "created", error);
  }
}

/** Creates the file empty (0600) or updates its modification time: the signal other MSAL libraries watch. */
export async function touchSignalFile(path: string): Promise<void> {
  await ensureDirectory(dirname(path));
  try {
    const handle = await open(path, "a", 0o600);
    await handle.close();
    const now = new Date();
    await utimes(path, now, now);
  } catch (error) {
    throw ioError(path, "touched", error);
  }
}
