/**
 * The one retry loop, and the two policies it runs under: the token endpoint's and managed
 * identity's. A policy is its retry settings plus which statuses to retry and how long to wait.
 *
 * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token#error-handling
 * @module
 */
import { AbortError, InvalidArgumentError } from "../errors.js";
import type { AbortSignalLike, RetryOptions } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";
import { isLoopbackOrLinkLocal } from "./local_address.js";
import {
  isTransientTransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "./transport.js";

/** How one kind of endpoint is retried. */
interface RetryPolicy {
  defaults: Required<RetryOptions>;
  /** Whether a reply with this status is worth another attempt. */
  retriable(status: number): boolean;
  /** The wait before retry `attempt` (0-based) when the server names none; `random` is in [0, 1). */
  backoff(
    attempt: number,
    status: number | undefined,
    options: RetryPolicy["defaults"],
    random: number,
  ): number;
}

/** The retry policies, side by side. */
const POLICIES: Record<"tokenEndpoint" | "managedIdentity", RetryPolicy> = {
  /** Token endpoint, instance discovery, Pipelines OIDC: 408, 429, 5xx except 501 and 505; ±20 % jitter. */
  tokenEndpoint: {
    defaults: { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 60_000 },
    retriable: (status) =>
      status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505),
    backoff: (attempt, _status, options, random) =>
      options.retryDelayInMs * 2 ** attempt * (0.8 + random * 0.4),
  },
  /**
   * Managed identity: also 404 (identity not yet provisioned) and 410 (IMDS upgrading), which waits
   * 3.75 times longer so the waits add up to the 70 seconds IMDS asks for; jitter in the upper half.
   */
  managedIdentity: {
    defaults: { maxRetries: 5, retryDelayInMs: 800, maxRetryDelayInMs: 64_000 },
    retriable: (status) =>
      status === 404 || status === 410 || status === 429 || (status >= 500 && status <= 599),
    backoff: (attempt, status, options, random) => {
      const base = options.retryDelayInMs * (status === 410 ? 3.75 : 1);
      const delay = Math.min(base * 2 ** attempt, options.maxRetryDelayInMs);
      return delay / 2 + (random * delay) / 2;
    },
  },
};

/** Retry settings with every default filled in, and the policy they apply to. */
export interface ResolvedRetryOptions extends Required<RetryOptions> {
  policy: RetryPolicy;
}

const resolvedDefaults: Partial<Record<keyof typeof POLICIES, ResolvedRetryOptions>> = {};

/**
 * Fills in a policy's defaults: 3 retries, 800 ms base, 60 s longest wait for the token endpoint;
 * 5 retries, 800 ms, 64 s for managed identity. Negative values count as 0, as in
 * `@azure/core-rest-pipeline`.
 *
 * @throws InvalidArgumentError when `retryOptions` is not an object or a value is not a finite
 *   number (NaN or Infinity would retry never or forever, or wait 1 ms for an endless delay).
 */
export function resolveRetryOptions(
  credentialName: string,
  options?: RetryOptions,
  policy: keyof typeof POLICIES = "tokenEndpoint",
): ResolvedRetryOptions {
  // Field by field, not a loop over the keys: this runs for every new credential, which mostly
  // shares the defaults (never modified) instead of a copy.
  if (options === undefined)
    return (resolvedDefaults[policy] ??= resolveRetryOptions(credentialName, {}, policy));
  if (options === null || typeof options !== "object")
    throw new InvalidArgumentError(
      `${credentialName}: "retryOptions" must be an object.`,
      "ERR_INVALID_ARG_TYPE",
    );
  const { defaults } = POLICIES[policy];
  const value = (name: keyof RetryOptions) => {
    const given: unknown = options[name];
    if (given === undefined) return defaults[name];
    if (typeof given !== "number" || !Number.isFinite(given))
      throw new InvalidArgumentError(
        `${credentialName}: "retryOptions.${name}" must be a finite number.`,
        typeof given === "number" ? "ERR_INVALID_ARG_VALUE" : "ERR_INVALID_ARG_TYPE",
      );
    return Math.max(0, given);
  };
  return {
    maxRetries: value("maxRetries"),
    retryDelayInMs: value("retryDelayInMs"),
    maxRetryDelayInMs: value("maxRetryDelayInMs"),
    policy: POLICIES[policy],
  };
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The headers that name a delay, with their unit; `Retry-After` may also be an HTTP date. */
const RETRY_AFTER_UNIT_MS = { "retry-after-ms": 1, "x-ms-retry-after-ms": 1, "retry-after": 1000 };

/** The delay a response asks for, in milliseconds. */
function retryAfterMs(response: HttpResponse, now: number): number | undefined {
  for (const [name, unitMs] of Object.entries(RETRY_AFTER_UNIT_MS)) {
    const value = header(response, name);
    const number = Number(value);
    if (value !== undefined && Number.isFinite(number) && number >= 0) return number * unitMs;
  }
  const date = Date.parse(header(response, "retry-after") ?? "");
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry `attempt` (0-based): the server's `Retry-After` when given, else the
 * policy's back-off; both capped at `maxRetryDelayInMs`.
 */
export function retryDelay(
  attempt: number,
  response: HttpResponse | undefined,
  options: ResolvedRetryOptions,
  now: number,
  random: () => number,
): number {
  const asked = response ? retryAfterMs(response, now) : undefined;
  const wait = asked ?? options.policy.backoff(attempt, response?.status, options, random());
  return Math.min(wait, options.maxRetryDelayInMs);
}

/** Waits `ms`, or rejects with {@link AbortError} as soon as `signal` fires. */
export function sleep(
  ms: number,
  signal: AbortSignalLike | undefined,
  credentialName: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new AbortError(`${credentialName}: the operation was aborted.`);
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Timeouts and broken connections are retried, but not a refused connection to a loopback or
 * link-local endpoint: nothing listens on this host, and waiting will not change that soon.
 */
function isRetriableError(error: unknown, host: string): boolean {
  const refused = (error as { cause?: { code?: unknown } } | null)?.cause?.code === "ECONNREFUSED";
  return isTransientTransportError(error) && !(refused && isLoopbackOrLinkLocal(host));
}

/**
 * Sends a request, retrying the statuses its policy names, timeouts and broken connections.
 *
 * @param deadline - a `performance.now()` instant that bounds every attempt and wait (default none).
 * @returns the last response, whatever its status.
 * @throws the last transport error, or {@link AbortError} when the request's signal fires.
 */
export async function sendWithRetry(
  transport: Transport,
  request: HttpRequest,
  options: ResolvedRetryOptions,
  credentialName: string,
  logger?: CredentialLogger,
  deadline = Infinity,
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    // performance.now() only with a deadline: its first call loads perf_hooks, on the token's path.
    const left =
      deadline === Infinity ? Infinity : Math.max(1, Math.ceil(deadline - performance.now()));
    let response: HttpResponse | undefined, failure: { code: string } | undefined;
    try {
      const timeoutMs = Math.min(request.timeoutMs, left);
      response = await transport.send(
        timeoutMs === request.timeoutMs ? request : { ...request, timeoutMs },
      );
      if (!options.policy.retriable(response.status)) return response;
    } catch (error) {
      if (!isRetriableError(error, new URL(request.url).hostname)) throw error;
      failure = error as { code: string };
    }
    const delay = retryDelay(attempt, response, options, Date.now(), Math.random);
    if (
      attempt >= options.maxRetries ||
      (deadline < Infinity && performance.now() + delay >= deadline)
    )
      return response ?? Promise.reject(failure);
    const reason = response ? `HTTP ${response.status}` : failure!.code;
    logger?.verbose(
      `retry ${attempt + 1} of ${options.maxRetries} after ${reason}, in ${Math.round(delay)} ms`,
    );
    await sleep(delay, request.signal, credentialName);
  }
}
