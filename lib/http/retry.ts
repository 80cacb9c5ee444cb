import { AbortError } from "../errors.js";
import type { AbortSignalLike, RetryOptions } from "../types.js";
import {
  isTransientTransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "./transport.js";

const DEFAULTS = { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 60_000 };

/** Retry settings with every default filled in. */
export type ResolvedRetryOptions = Required<RetryOptions>;

/** Fills in the defaults: 3 retries, 800 ms base delay, 60 s longest delay. */
export function resolveRetryOptions(options?: RetryOptions): ResolvedRetryOptions {
  return {
    maxRetries: Math.max(0, options?.maxRetries ?? DEFAULTS.maxRetries),
    retryDelayInMs: Math.max(0, options?.retryDelayInMs ?? DEFAULTS.retryDelayInMs),
    maxRetryDelayInMs: Math.max(0, options?.maxRetryDelayInMs ?? DEFAULTS.maxRetryDelayInMs),
  };
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The delay a response asks for through `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or HTTP date). */
export function retryAfterMs(response: HttpResponse, now: number): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(header(response, name));
    if (header(response, name) !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = header(response, "retry-after");
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether a response status is worth another attempt: 408, 429 and 5xx except 501 and 505. */
export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * The wait before retry number `attempt` (0-based): the server's `Retry-After` when given, else
 * exponential back-off with jitter; both capped at `maxRetryDelayInMs`.
 */
export function retryDelay(
  attempt: number,
  response: HttpResponse | undefined,
  options: ResolvedRetryOptions,
  now: number,
  random: () => number,
): number {
  const asked = response ? retryAfterMs(response, now) : undefined;
  const backoff = options.retryDelayInMs * 2 ** attempt * (0.8 + random() * 0.4);
  return Math.min(asked ?? backoff, options.maxRetryDelayInMs);
}

/** Waits `ms`, or rejects with {@link AbortError} as soon as `signal` fires. */
export function sleep(
  ms: number,
  signal: AbortSignalLike | undefined,
  abortMessage: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortError(abortMessage));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError(abortMessage));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Sends a request, retrying transient failures (408/429/5xx, timeouts, broken connections).
 * Returns the last response, whatever its status; throws the last transport error.
 */
export async function sendWithRetry(
  transport: Transport,
  request: HttpRequest,
  options: ResolvedRetryOptions,
  credentialName: string,
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    let response: HttpResponse | undefined;
    try {
      response = await transport.send(request);
      if (!isRetriableStatus(response.status) || attempt >= options.maxRetries) return response;
    } catch (error) {
      if (!isTransientTransportError(error) || attempt >= options.maxRetries) throw error;
    }
    const delay = retryDelay(attempt, response, options, Date.now(), Math.random);
    await sleep(delay, request.signal, `${credentialName}: the operation was aborted.`);
  }
}
