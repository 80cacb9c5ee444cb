/**
 * Allow-lists for the caller values that reach a developer tool's command line. They are checked
 * before any process starts, and the messages name the field, never the value.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { normalizeScopes } from "../oauth/scopes.js";
import { checkTimeout } from "../util/timeout.js";

/**
 * Normalizes `scopes` and checks each holds only letters, digits and `_ . : / -`.
 *
 * @param credentialName - starts the message.
 * @param scopes - the `scopes` argument of `getToken`.
 * @param single - require exactly one scope, as `az` and `Get-AzAccessToken` take one resource.
 * @returns the scopes as a non-empty list.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) naming `scopes[i]`, or `scopes` when
 *   `single` and there are several.
 */
export function checkCliScopes(credentialName: string, scopes: unknown, single = false): string[] {
  const list = normalizeScopes(credentialName, scopes);
  const index = list.findIndex((scope) => !/^[A-Za-z0-9_.:/-]+$/.test(scope));
  if (index >= 0) {
    throw new InvalidArgumentError(
      `${credentialName}: "scopes[${index}]" may only contain letters, digits and "_", ".", ":", "/", "-".`,
    );
  }
  if (single && list.length !== 1) {
    throw new InvalidArgumentError(
      `${credentialName}: "scopes" must hold exactly one scope; this tool issues a token for one resource at a time. Call getToken once per resource.`,
    );
  }
  return list;
}

/**
 * Checks a subscription id or name, when given: letters, digits, space and `_ . -`.
 *
 * @throws InvalidArgumentError naming `subscription`.
 */
export function checkSubscription(credentialName: string, subscription: unknown) {
  if (subscription === undefined) return undefined;
  if (typeof subscription !== "string" || !/^[A-Za-z0-9_. -]+$/.test(subscription)) {
    throw new InvalidArgumentError(
      `${credentialName}: "subscription" may only contain letters, digits, spaces and "_", ".", "-". ` +
        "If it is a subscription name, use its id instead; see https://learn.microsoft.com/azure/azure-portal/get-subscription-tenant-id.",
    );
  }
  return subscription;
}

/**
 * Checks `processTimeoutInMs`: a positive number of milliseconds.
 *
 * @returns the timeout rounded up to a whole millisecond, at most 10 minutes (`Infinity` too).
 * @throws InvalidArgumentError naming `processTimeoutInMs`.
 */
export function checkProcessTimeout(credentialName: string, timeout: unknown): number {
  return checkTimeout(credentialName, "processTimeoutInMs", timeout);
}
