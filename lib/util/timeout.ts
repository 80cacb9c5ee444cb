/**
 * Bounds for every number of milliseconds that reaches `setTimeout`, from a caller or a server.
 * Node fires a timer longer than 2^31 − 1 ms after 1 ms, so an unbounded delay becomes a tight loop.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";

/** The longest timeout a caller may set (`requestOptions.timeout`, `processTimeoutInMs`): 10 minutes. */
export const MAX_TIMEOUT_MS = 10 * 60 * 1000;

/** `ms` within `[min, max]`, rounded up to a whole millisecond; `NaN` counts as `max`. */
export function clampMs(ms: number, min: number, max: number): number {
  return Number.isNaN(ms) ? max : Math.min(Math.max(Math.ceil(ms), min), max);
}

/**
 * Checks a caller's timeout.
 *
 * @param option - the option's name, for the message.
 * @returns the timeout rounded up; longer ones (`Infinity` too) are capped at {@link MAX_TIMEOUT_MS}.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) naming `option` when it is not a
 *   positive number (negative, zero, `NaN`, not a number).
 */
export function checkTimeout(credentialName: string, option: string, value: unknown): number {
  if (typeof value !== "number" || !(value > 0)) {
    throw new InvalidArgumentError(
      `${credentialName}: "${option}" must be a positive number of milliseconds.`,
    );
  }
  return clampMs(value, 1, MAX_TIMEOUT_MS);
}

/**
 * Checks the `requestOptions.timeout` of a `getToken` call.
 *
 * @returns `undefined` when absent or 0 (`@azure/core-rest-pipeline`'s "no timeout"): the default applies.
 *
 * @throws InvalidArgumentError as {@link checkTimeout}.
 */
export function requestTimeout(credentialName: string, timeout: unknown): number | undefined {
  if (timeout === undefined || timeout === 0) return undefined;
  return checkTimeout(credentialName, "requestOptions.timeout", timeout);
}
