/**
 * The cross-process lock of a cache file: a sibling `<file>.lockfile` created exclusively, holding
 * the owner's PID and the time. A lock whose process is gone, or older than a bound, is broken.
 *
 * @module
 */
import { link, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { TokenCacheError } from "../errors.js";
import type { CredentialLogger } from "../util/logger.js";

/** Settings of {@link withFileLock}. */
export interface LockOptions {
  logger: CredentialLogger;
  /** How long to wait for a live holder before giving up (default 5 s, as msal-extensions). */
  timeoutMs?: number;
  /** A lock older than this is broken even when its process runs (default 10 s). */
  staleMs?: number;
}

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the lock `lockPath`. Callers in this process queue up first, so only
 * one of them contends with other processes.
 *
 * @throws TokenCacheError `ERR_CACHE_LOCKED` when a live holder keeps the lock past `timeoutMs`;
 *   `ERR_CACHE_IO` when the lock cannot be created for another reason (e.g. a read-only directory).
 */
export function withFileLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: LockOptions,
): Promise<T> {
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  const mine = previous
    .catch(() => undefined)
    .then(async () => {
      await acquire(lockPath, options);
      try {
        return await work();
      } finally {
        await unlink(lockPath).catch(() => undefined);
      }
    });
  const tail = mine.catch(() => undefined);
  inProcess.set(lockPath, tail);
  void tail.then(() => {
    if (inProcess.get(lockPath) === tail) inProcess.delete(lockPath);
  });
  return mine;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquire(lockPath: string, options: LockOptions): Promise<void> {
  const { timeoutMs = 5_000, staleMs = 10_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      try {
        await handle.writeFile(`${process.pid}\n${Date.now()}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new TokenCacheError(
          "ERR_CACHE_IO",
          `the lock file ${lockPath} could not be created (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
          { cause: error },
        );
      }
    }
    const why = await staleness(lockPath, staleMs);
    if (why) {
      await breakLock(lockPath, why.content);
      options.logger.warning(`token cache: broke the stale lock ${lockPath} (${why.reason}).`);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new TokenCacheError(
        "ERR_CACHE_LOCKED",
        `the lock file ${lockPath} is held by a running process for more than ${timeoutMs} ms.`,
      );
    }
    await sleep(Math.min(5 * 1.5 ** attempt, 100) * (0.5 + Math.random()));
  }
}

/** Why the lock is stale, or undefined when it is live (or vanished meanwhile). */
async function staleness(
  lockPath: string,
  staleMs: number,
): Promise<{ reason: string; content: string } | undefined> {
  let content: string;
  let mtimeMs: number;
  try {
    content = await readFile(lockPath, "utf8");
    mtimeMs = (await stat(lockPath)).mtimeMs;
  } catch {
    return undefined;
  }
  // Ours: "<pid>\n<ms>\n"; msal-extensions: "<pid> <argv0>".
  const pid = Number(content.match(/^\s*(\d+)/)?.[1] ?? NaN);
  const written = Number(content.split("\n")[1]);
  const age = Date.now() - (Number.isFinite(written) && written > 0 ? written : mtimeMs);
  if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid))
    return { reason: `process ${pid} is gone`, content };
  if (age > staleMs) return { reason: `held for ${Math.round(age / 1000)} s`, content };
  // A creator that died between creating the file and writing its PID leaves it empty.
  if (content === "" && Date.now() - mtimeMs > 1_000) return { reason: "empty", content };
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Moves the stale lock aside and deletes it. If another process replaced it in between, its fresh
 * lock is put back (only when the name is free), so a fresh lock is never lost.
 */
async function breakLock(lockPath: string, staleContent: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${Date.now()}.broken`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, "utf8").catch(() => staleContent);
  if (moved !== staleContent) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}
