import { InvalidArgumentError } from "../errors.js";

const SCOPE_PATTERN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Turns the `scopes` argument of `getToken` into a non-empty list of scope strings.
 *
 * @throws InvalidArgumentError when no scope is given, or a scope is empty or holds spaces, quotes,
 *   backslashes or control characters (RFC 6749 §3.3).
 */
export function normalizeScopes(credentialName: string, scopes: unknown): string[] {
  const list = typeof scopes === "string" ? [scopes] : scopes;
  if (!Array.isArray(list) || list.length === 0) {
    throw new InvalidArgumentError(
      `${credentialName}: "scopes" must be a scope string or a non-empty array of them.`,
    );
  }
  list.forEach((scope, index) => {
    if (typeof scope !== "string" || !SCOPE_PATTERN.test(scope)) {
      throw new InvalidArgumentError(
        `${credentialName}: "scopes[${index}]" must be a non-empty scope without spaces, quotes, backslashes or control characters.`,
      );
    }
  });
  return list as string[];
}

/** The resource a `…/.default` scope stands for: `https://vault.azure.net/.default` → `https://vault.azure.net`. */
export function scopeToResource(scope: string): string {
  return scope.endsWith("/.default") ? scope.slice(0, -"/.default".length) : scope;
}
