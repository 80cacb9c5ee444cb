/**
 * One persistent cache file (`<name>.nocae` or `<name>.cae`): read through its protection route,
 * and changed by read–merge–write under the file's lock, so concurrent writers lose nothing. A
 * cache that cannot be read is logged at `verbose` and treated as empty; a write that fails is
 * logged at `warning`. Neither ever fails `getToken`.
 *
 * @module
 */
import { stat } from "node:fs/promises";
import { dirname } from "node:path";
import { messageOf } from "../errors.js";
import type { CredentialLogger } from "../util/logger.js";
import { ensureDirectory } from "./cache_files.js";
import { withFileLock, type LockOptions } from "./cache_lock.js";
import {
  applyChanges,
  emptyCache,
  parseMsalCache,
  serializeMsalCache,
  type CacheChange,
  type MsalCache,
} from "./msal_cache_format.js";
import type { ProtectionRoute, RouteContext } from "./protection/route.js";
import { selectRoute } from "./protection/select.js";

/** Settings of a {@link PersistentCache}. */
export interface PersistentCacheOptions {
  context: RouteContext;
  allowUnencrypted: boolean;
  logger: CredentialLogger;
  /** Lock timing (tests shorten it). */
  lock?: Omit<LockOptions, "logger">;
  /** Routes to try instead of the platform's (tests). */
  routes?: ProtectionRoute[];
}

const warnedReadable = new Set<string>();

/** A persistent MSAL cache file. */
export class PersistentCache {
  readonly #options: PersistentCacheOptions;
  #route: Promise<ProtectionRoute> | undefined;

  /** @param options - where the file is, whether a plain file is allowed, the logger. */
  constructor(options: PersistentCacheOptions) {
    this.#options = options;
  }

  /** The protection route in use (chosen on first use). */
  route(): Promise<ProtectionRoute> {
    const { context, allowUnencrypted, logger, routes } = this.#options;
    this.#route ??= selectRoute(context, allowUnencrypted, logger, routes).then((c) => c.route);
    return this.#route;
  }

  /** The cache as stored now; empty when there is none or it cannot be read. */
  async read(): Promise<MsalCache> {
    const route = await this.route();
    return (await this.#load(route)) ?? emptyCache();
  }

  /**
   * Applies changes computed from the freshly read cache, under the lock, and writes the result
   * atomically. Failures are logged at `warning`: the tokens then live in memory only.
   *
   * @returns whether the changes were stored.
   */
  async update(changes: (cache: MsalCache) => readonly CacheChange[]): Promise<boolean> {
    const { context, logger } = this.#options;
    try {
      const route = await this.route();
      const write = async () => {
        const current = (await this.#load(route)) ?? emptyCache();
        const list = changes(current);
        if (list.length === 0) return;
        await route.save(serializeMsalCache(applyChanges(current, list)));
      };
      if (route.name.startsWith("memory")) await write();
      else {
        await ensureDirectory(dirname(context.filePath));
        await withFileLock(`${context.filePath}.lockfile`, write, {
          ...this.#options.lock,
          logger,
        });
      }
      return true;
    } catch (error) {
      logger.warning(
        `token cache: ${context.fileName} could not be updated, the tokens stay in memory: ${messageOf(error)}`,
      );
      return false;
    }
  }

  async #load(route: ProtectionRoute): Promise<MsalCache | undefined> {
    const { context, logger } = this.#options;
    try {
      if (route.usesFile) await this.#checkMode(route);
      const text = await route.load();
      return text === undefined ? undefined : parseMsalCache(text);
    } catch (error) {
      logger.verbose(
        `token cache: ${context.fileName} is ignored and will be replaced on the next write: ${messageOf(error)}`,
      );
      return undefined;
    }
  }

  async #checkMode(route: ProtectionRoute): Promise<void> {
    const { context, logger } = this.#options;
    if (context.platform === "win32" || warnedReadable.has(context.filePath)) return;
    const info = await stat(context.filePath).catch(() => undefined);
    if (info?.isFile() && (info.mode & 0o077) !== 0) {
      warnedReadable.add(context.filePath);
      logger.warning(
        `token cache: ${context.filePath} (${route.name}) can be accessed by other users (mode ${(info.mode & 0o777).toString(8)}); it is still used, and rewritten with mode 600 on the next write.`,
      );
    }
  }
}
