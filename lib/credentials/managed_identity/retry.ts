/**
 * The managed-identity retry policy: besides throttling and server errors, 404 (identity not yet
 * provisioned) and 410 (IMDS upgrading) are retried, 410 with a longer base so the waits add up to
 * the 70 seconds IMDS asks for.
 *
 * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token#error-handling
 * @module
 */
import { retryAfterMs, sleep, type ResolvedRetryOptions } from "../../http/retry.js";
import {
  isTransientTransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "../../http/transport.js";
import type { RetryOptions } from "../../types.js";

/** 410 waits this many times the base delay (3 s with the default 800 ms). */
export const GONE_DELAY_FACTOR = 3.75;

/** Fills in the managed-identity defaults: 5 retries, 800 ms base, 64 s longest wait. */
export function resolveManagedIdentityRetry(options?: RetryOptions): ResolvedRetryOptions {
  return {
    maxRetries: Math.max(0, options?.maxRetries ?? 5),
    retryDelayInMs: Math.max(0, options?.retryDelayInMs ?? 800),
    maxRetryDelayInMs: Math.max(0, options?.maxRetryDelayInMs ?? 64_000),
  };
}

/** Whether a managed-identity reply is worth another attempt: 404, 410, 429 and every 5xx. */
export function isManagedIdentityRetriableStatus(status: number): boolean {
  return status === 404 || status === 410 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * The wait before retry `attempt` (0-based): the server's `Retry-After` when given, else
 * `min(base · 2^attempt, max)` with jitter in its upper half.
 */
export function managedIdentityRetryDelay(
  attempt: number,
  response: HttpResponse | undefined,
  options: ResolvedRetryOptions,
  now: number,
  random: () => number,
): number {
  const asked = response ? retryAfterMs(response, now) : undefined;
  if (asked !== undefined) return Math.min(asked, options.maxRetryDelayInMs);
  const base =
    response?.status === 410 ? options.retryDelayInMs * GONE_DELAY_FACTOR : options.retryDelayInMs;
  const delay = Math.min(base * 2 ** attempt, options.maxRetryDelayInMs);
  return delay / 2 + (random() * delay) / 2;
}

/**
 * Sends a request under the managed-identity policy. Returns the last response, whatever its
 * status; throws the last transport error, or at once an error `retryError` calls final.
 */
export async function sendWithManagedIdentityRetry(
  transport: Transport,
  request: HttpRequest,
  options: ResolvedRetryOptions,
  credentialName: string,
  retryError: (error: unknown) => boolean = isTransientTransportError,
): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    let response: HttpResponse | undefined;
    try {
      response = await transport.send(request);
      if (!isManagedIdentityRetriableStatus(response.status) || attempt >= options.maxRetries)
        return response;
    } catch (error) {
      if (!retryError(error) || attempt >= options.maxRetries) throw error;
    }
    await sleep(
      managedIdentityRetryDelay(attempt, response, options, Date.now(), Math.random),
      request.signal,
      `${credentialName}: the operation was aborted.`,
    );
  }
}
