import { AuthenticationError, authenticationFailure, type IdentityErrorCode } from "../errors.js";
import type { HttpResponse } from "../http/transport.js";
import type { AccessToken } from "../types.js";
import { readJsonResponse } from "../http/json_response.js";
import { serverText } from "../util/redact.js";

/** A validated token endpoint reply. */
export interface TokenResult {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresOnTimestamp: number;
  /** From `refresh_in`, or half the lifetime for tokens of two hours or more. */
  refreshAfterTimestamp?: number;
  refreshToken?: string;
  idToken?: string;
  clientInfo?: string;
  /** The scopes granted, space-separated, when Entra says. */
  scope?: string;
}

/**
 * The one conversion from a validated reply to the `AccessToken` that `getToken` returns.
 *
 * @param result - the token, its expiry and, when known, when to refresh it.
 */
export function toAccessToken(
  result: Pick<TokenResult, "accessToken" | "expiresOnTimestamp" | "refreshAfterTimestamp">,
): AccessToken {
  const token: AccessToken = {
    token: result.accessToken,
    expiresOnTimestamp: result.expiresOnTimestamp,
    tokenType: "Bearer",
  };
  if (result.refreshAfterTimestamp !== undefined) {
    token.refreshAfterTimestamp = result.refreshAfterTimestamp;
  }
  return token;
}

/** What the parser needs besides the response. */
export interface ParseContext {
  credentialName: string;
  /** When the request was sent; expiry is counted from here, so it errs early. */
  requestStartMs: number;
  /** Values sent with the request that must not appear in any message. */
  secrets?: readonly string[];
}

const HALF_LIFE_THRESHOLD_MS = 2 * 60 * 60 * 1000;

/**
 * When to refresh a token ahead of expiry: at `refresh_in` when the server gave it, else at half
 * its lifetime for tokens of two hours or more, else not ahead of the cache's expiry margin.
 *
 * @param startMs - when the request was sent.
 * @param expiresOnMs - when the token expires.
 * @param refreshInSeconds - the server's `refresh_in`, when given.
 */
export function refreshAfter(
  startMs: number,
  expiresOnMs: number,
  refreshInSeconds: number | undefined,
): number | undefined {
  if (refreshInSeconds !== undefined) return startMs + refreshInSeconds * 1000;
  const lifetime = expiresOnMs - startMs;
  return lifetime >= HALF_LIFE_THRESHOLD_MS ? startMs + lifetime / 2 : undefined;
}
// Reply field → result key; a list, not an object to iterate: no entries array per reply.
const OPTIONAL_STRINGS = [
  ["refresh_token", "refreshToken"],
  ["id_token", "idToken"],
  ["client_info", "clientInfo"],
  ["scope", "scope"],
] as const;

/**
 * The longest token lifetime a reply may state: one year. Entra's longest-lived access tokens (CAE)
 * last about 28 hours and managed identity's 24; a year leaves room for any issuer's policy while
 * refusing what would make a token never expire (`1e303`, or 400 digits that read as `Infinity`).
 */
export const MAX_LIFETIME_SECONDS = 365 * 24 * 60 * 60;

/** Reads a number of seconds from 0 to `max`, given as a JSON number or numeric string. */
export function readSeconds(value: unknown, max = MAX_LIFETIME_SECONDS): number | undefined {
  const numeric = typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value);
  const seconds = typeof value === "number" ? value : numeric ? Number(value) : NaN;
  return seconds >= 0 && seconds <= max ? seconds : undefined;
}

/** Whether `ms`, an expiry, is at most {@link MAX_LIFETIME_SECONDS} after `startMs`. */
export const inBounds = (ms: number | undefined, startMs: number): ms is number =>
  ms !== undefined && ms <= startMs + MAX_LIFETIME_SECONDS * 1000;

/**
 * Turns a token endpoint reply into a {@link TokenResult} or throws. Pure: no I/O, no clock.
 *
 * @throws AuthenticationError with Entra's `error` as code for an OAuth error body, or with
 *   `ERR_HTTP_STATUS`, `ERR_RESPONSE_NOT_JSON`, `ERR_RESPONSE_INVALID` for anything else. Messages
 *   say what arrived (status, content type, first bytes redacted) and never carry a token.
 */
export function parseTokenResponse(response: HttpResponse, context: ParseContext): TokenResult {
  const { json, record: body, arrived } = readJsonResponse(response, context.secrets);
  const fail = (code: IdentityErrorCode, message: string) =>
    authenticationFailure(context.credentialName, code, message, { status: response.status });
  const invalid = (what: string) =>
    fail("ERR_RESPONSE_INVALID", `the token endpoint's response body ${what}.`);

  if (typeof body?.error === "string" && !serverText(body.error))
    throw invalid(`"error" must be a non-empty string`);
  if (response.status < 200 || response.status >= 300) {
    if (typeof body?.error === "string") throwOAuthError(response.status, body, context);
    throw fail(
      "ERR_HTTP_STATUS",
      `the token endpoint failed without an OAuth error body (${arrived()}).`,
    );
  }
  if (json === undefined) {
    throw fail(
      "ERR_RESPONSE_NOT_JSON",
      `the token endpoint's response is not JSON (${arrived()}).`,
    );
  }
  if (!body) throw invalid("is not a JSON object");
  if (typeof body.error === "string") throwOAuthError(response.status, body, context);

  if (typeof body.access_token !== "string" || body.access_token.length === 0) {
    throw invalid(`"access_token" must be a non-empty string`);
  }
  if (typeof body.token_type !== "string" || body.token_type.toLowerCase() !== "bearer") {
    throw invalid(`"token_type" must be "Bearer"`);
  }
  const expiresIn = readSeconds(body.expires_in);
  const range = `a number of seconds from 0 to ${MAX_LIFETIME_SECONDS} (a year)`;
  if (expiresIn === undefined) throw invalid(`"expires_in" must be ${range}`);
  const refreshIn = body.refresh_in === undefined ? undefined : readSeconds(body.refresh_in);
  if (body.refresh_in !== undefined && refreshIn === undefined) {
    throw invalid(`"refresh_in" must be ${range}`);
  }
  for (const [field] of OPTIONAL_STRINGS) {
    if (body[field] !== undefined && typeof body[field] !== "string")
      throw invalid(`"${field}" must be a string`);
  }

  const start = context.requestStartMs;
  const expiresOnTimestamp = start + expiresIn * 1000;
  const result: TokenResult = { accessToken: body.access_token, expiresOnTimestamp };
  const refreshAfterTimestamp = refreshAfter(start, expiresOnTimestamp, refreshIn);
  if (refreshAfterTimestamp !== undefined) result.refreshAfterTimestamp = refreshAfterTimestamp;
  for (const [field, key] of OPTIONAL_STRINGS) {
    if (typeof body[field] === "string") result[key] = body[field];
  }
  return result;
}

function throwOAuthError(
  status: number,
  body: Record<string, unknown>,
  context: ParseContext,
): never {
  throw new AuthenticationError(status || 400, body, {
    credentialName: context.credentialName,
    secrets: context.secrets,
  });
}
