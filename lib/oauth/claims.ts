import { InvalidArgumentError } from "../errors.js";

/**
 * The `claims` request parameter for one request: the caller's claims challenge (a JSON object),
 * with `access_token.xms_cc = {"values":["cp1"]}` added when CAE is requested.
 * Returns undefined when neither applies.
 *
 * @throws InvalidArgumentError when `claims` is not a JSON object.
 * @see https://learn.microsoft.com/entra/identity-platform/claims-challenge
 */
export function buildClaims(
  credentialName: string,
  claims: string | undefined,
  enableCae: boolean | undefined,
): string | undefined {
  if (!claims && !enableCae) return undefined;
  let merged: Record<string, unknown> = {};
  if (claims) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(claims);
    } catch {
      parsed = undefined;
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new InvalidArgumentError(
        `${credentialName}: "options.claims" must be a JSON object (the decoded claims challenge).`,
      );
    }
    merged = parsed as Record<string, unknown>;
  }
  if (enableCae) {
    const current = merged.access_token;
    const accessToken =
      current !== null && typeof current === "object" && !Array.isArray(current)
        ? (current as Record<string, unknown>)
        : {};
    merged = { ...merged, access_token: { ...accessToken, xms_cc: { values: ["cp1"] } } };
  }
  return JSON.stringify(merged);
}
