import { AbortError, messageOf } from "../errors.js";
import type { AbortSignalLike, AccessToken } from "../types.js";
import { AbortSource } from "../util/abort_source.js";
import type { CredentialLogger } from "../util/logger.js";

/** A token is no longer served once less than this remains. */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;
/** After a failed background refresh, the next one waits at least this long. */
export const REFRESH_RETRY_DELAY_MS = 30 * 1000;

/** Fetches a token; `signal` fires when every caller waiting for it has given up. */
export type TokenFetcher = (signal: AbortSignalLike) => Promise<AccessToken>;

interface Entry {
  token: AccessToken;
  lastRefreshAttempt: number;
}

/** Whether an entry's token is still served: more than {@link EXPIRY_MARGIN_MS} before expiry. */
const isValid = (entry: Entry, now: number): boolean =>
  now < entry.token.expiresOnTimestamp - EXPIRY_MARGIN_MS;

interface Flight {
  key: string;
  promise: Promise<AccessToken>;
  cancel: AbortSource;
  waiters: number;
}

/** Settings of a {@link TokenCache}. */
export interface TokenCacheOptions {
  now?: () => number;
  logger: CredentialLogger;
}

/**
 * A credential's in-memory token cache. Serves a token until five minutes before it expires;
 * after `refreshAfterTimestamp` it still serves it and refreshes once in the background. Every
 * concurrent miss for one key, and the background refresh, share a single request (single-flight).
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #flights = new Map<string, Flight>();
  readonly #now: () => number;
  readonly #logger: CredentialLogger;

  constructor(options: TokenCacheOptions) {
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
  }

  /**
   * Returns a cached token for `key` or fetches one. With a claims `challenge` the cache is not
   * read, and concurrent identical challenges still share one flight.
   */
  get(
    key: string,
    fetch: TokenFetcher,
    options: { challenge?: string; signal?: AbortSignalLike; abortMessage: string },
  ): Promise<AccessToken> {
    // Not an async function: a miss returns the flight's promise as is, without wrapping it in
    // another; whatever throws still arrives as a rejection.
    try {
      return this.#get(key, fetch, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #get(
    key: string,
    fetch: TokenFetcher,
    options: { challenge?: string; signal?: AbortSignalLike; abortMessage: string },
  ): Promise<AccessToken> {
    const now = this.#now();
    const entry = options.challenge ? undefined : this.#entries.get(key);
    if (entry && isValid(entry, now)) {
      if (this.#refreshDue(key, entry, now)) {
        entry.lastRefreshAttempt = now;
        this.#logger.verbose(
          "token cache: refresh time reached; serving the cached token, refreshing in the background",
        );
        this.#start(key, key, fetch, true).promise.catch((error: unknown) => {
          this.#logger.warning(
            `background token refresh failed; the cached token is still valid: ${messageOf(error)}`,
          );
        });
      } else this.#logger.verbose("token cache: hit");
      return Promise.resolve(entry.token);
    }
    if (options.signal?.aborted) throw new AbortError(options.abortMessage);
    // One flight per token: a foreground miss joins the background refresh of the same key.
    const flightKey = options.challenge ? `${key}\n${options.challenge}` : key;
    const joined = this.#flights.get(flightKey);
    this.#logger.verbose(
      options.challenge
        ? "token cache: bypassed for a claims challenge"
        : joined
          ? "token cache: miss; joining the request in flight"
          : "token cache: miss",
    );
    const flight = joined ?? this.#start(flightKey, key, fetch);
    return this.#wait(flight, options.signal, options.abortMessage);
  }

  /**
   * The cached token for `key` when {@link TokenCache.get} would serve it without starting a
   * request: valid beyond the expiry margin and no background refresh due. Synchronous, so a
   * caller can answer a hit without the promises and closures a miss needs.
   */
  peek(key: string): AccessToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const now = this.#now();
    if (!isValid(entry, now) || this.#refreshDue(key, entry, now)) return undefined;
    this.#logger.verbose("token cache: hit");
    return entry.token;
  }

  /** Stores a token obtained outside {@link TokenCache.get}, e.g. by an interactive sign-in. */
  set(key: string, token: AccessToken): void {
    this.#entries.set(key, { token, lastRefreshAttempt: this.#now() });
  }

  /** Drops every cached token. */
  clear(): void {
    this.#entries.clear();
    for (const flight of this.#flights.values()) flight.cancel.abort();
    this.#flights.clear();
  }

  /** Whether a valid entry is past its refresh time, with no refresh in flight or just failed. */
  #refreshDue(key: string, entry: Entry, now: number): boolean {
    const refreshAfter = entry.token.refreshAfterTimestamp;
    return (
      refreshAfter !== undefined &&
      now >= refreshAfter &&
      now - entry.lastRefreshAttempt >= REFRESH_RETRY_DELAY_MS &&
      !this.#flights.has(key)
    );
  }

  #start(flightKey: string, cacheKey: string, fetch: TokenFetcher, background = false): Flight {
    const cancel = new AbortSource();
    // The async body below must see `flight` itself to remove exactly this flight when it
    // settles, so the object exists before its promise does. The cache itself waits for a
    // background refresh, so callers who join it and give up never cancel it.
    const flight = { key: flightKey, cancel, waiters: background ? 1 : 0 } as Flight;
    flight.promise = (async () => {
      try {
        const token = await fetch(cancel);
        this.#entries.set(cacheKey, { token, lastRefreshAttempt: this.#now() });
        return token;
      } finally {
        if (this.#flights.get(flightKey) === flight) this.#flights.delete(flightKey);
      }
    })();
    flight.promise.catch(() => undefined);
    this.#flights.set(flightKey, flight);
    return flight;
  }

  #wait(
    flight: Flight,
    signal: AbortSignalLike | undefined,
    abortMessage: string,
  ): Promise<AccessToken> {
    if (signal?.aborted) return Promise.reject(new AbortError(abortMessage));
    flight.waiters++;
    // A caller without a signal never gives up: it stays counted and takes the flight's promise.
    if (!signal) return flight.promise;
    return new Promise<AccessToken>((resolve, reject) => {
      let done = false;
      const settle = (abandon: boolean, complete: () => void) => {
        if (done) return;
        done = true;
        signal?.removeEventListener("abort", onAbort);
        flight.waiters--;
        if (abandon && flight.waiters === 0) {
          // Cancelled at once for everyone: a caller arriving in this same tick starts afresh.
          if (this.#flights.get(flight.key) === flight) this.#flights.delete(flight.key);
          flight.cancel.abort();
        }
        complete();
      };
      const onAbort = () => settle(true, () => reject(new AbortError(abortMessage)));
      signal?.addEventListener("abort", onAbort, { once: true });
      flight.promise.then(
        (token) => settle(false, () => resolve(token)),
        (error: unknown) => settle(false, () => reject(error)),
      );
    });
  }
}
