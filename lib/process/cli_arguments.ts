/**
 * Allow-lists for the caller values that reach a developer tool's command line. They are checked
 * before any process starts, and the messages name the field, never the value.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { normalizeScopes } from "../oauth/scopes.js";

/** A scope a developer tool may receive: letters, digits and `_ . : / -`. */
export const CLI_SCOPE_PATTERN = /^[A-Za-z0-9_.:/-]+$/;

/** A subscription id or name `az` may receive: letters, digits, space and `_ . -`. */
export const SUBSCRIPTION_PATTERN = /^[A-Za-z0-9_. -]+$/;

/**
 * Normalizes `scopes` and checks each against {@link CLI_SCOPE_PATTERN}.
 *
 * @param credentialName - starts the message.
 * @param scopes - the `scopes` argument of `getToken`.
 * @returns the scopes as a non-empty list.
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) naming `scopes[i]`.
 */
export function checkCliScopes(credentialName: string, scopes: unknown): string[] {
  const list = normalizeScopes(credentialName, scopes);
  list.forEach((scope, index) => {
    if (!CLI_SCOPE_PATTERN.test(scope)) {
      throw new InvalidArgumentError(
        `${credentialName}: "scopes[${index}]" may only contain letters, digits and "_", ".", ":", "/", "-".`,
      );
    }
  });
  return list;
}

/**
 * Checks that exactly one scope was requested, as `az` and `Get-AzAccessToken` take one resource.
 *
 * @throws InvalidArgumentError naming `scopes`.
 */
export function checkSingleScope(credentialName: string, scopes: string[]): string {
  const [scope] = scopes;
  if (scope === undefined || scopes.length !== 1) {
    throw new InvalidArgumentError(
      `${credentialName}: "scopes" must hold exactly one scope; this tool issues a token for one resource at a time. Call getToken once per resource.`,
    );
  }
  return scope;
}

/**
 * Checks a subscription id or name against {@link SUBSCRIPTION_PATTERN}.
 *
 * @param argumentName - the field named in the message.
 * @throws InvalidArgumentError naming the field.
 */
export function checkSubscription(
  credentialName: string,
  subscription: unknown,
  argumentName = "subscription",
): string {
  if (typeof subscription !== "string" || !SUBSCRIPTION_PATTERN.test(subscription)) {
    throw new InvalidArgumentError(
      `${credentialName}: "${argumentName}" may only contain letters, digits, spaces and "_", ".", "-". ` +
        "If it is a subscription name, use its id instead; see https://learn.microsoft.com/azure/azure-portal/get-subscription-tenant-id.",
    );
  }
  return subscription;
}

/**
 * Checks `processTimeoutInMs`: a positive number of milliseconds that a timer can hold.
 *
 * @throws InvalidArgumentError naming `processTimeoutInMs`.
 */
export function checkProcessTimeout(credentialName: string, timeout: unknown): number {
  if (
    typeof timeout !== "number" ||
    !Number.isFinite(timeout) ||
    timeout <= 0 ||
    timeout > 2_147_483_647
  ) {
    throw new InvalidArgumentError(
      `${credentialName}: "processTimeoutInMs" must be a positive number of milliseconds.`,
    );
  }
  return Math.ceil(timeout);
}
