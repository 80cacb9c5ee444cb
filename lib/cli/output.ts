/**
 * What `entra-token` prints for a token (pure): the token, `az account get-access-token`'s JSON,
 * an `Authorization` header line, or the decoded JOSE header and claims.
 *
 * @module
 */
import type { AccessToken } from "../types.js";
import type { OutputFormat } from "./arguments.js";

/** The token is not a JWT (`--decode` cannot show it); `entra-token` exits with code 1. */
export class TokenFormatError extends Error {
  /** Always `"TokenFormatError"`. */
  override readonly name = "TokenFormatError";
  /** Always `ERR_TOKEN_NOT_JWT`. */
  readonly code = "ERR_TOKEN_NOT_JWT";
}

/** The line `--decode` puts first: no signature was checked. */
export const DECODE_NOTE =
  "decoded without verifying the signature: do not trust these claims for anything but reading";

function decodeSegment(segment: string | undefined): Record<string, unknown> | undefined {
  if (!segment || !/^[A-Za-z0-9_-]+$/.test(segment)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JOSE header and claims of a JWS compact token, base64url-decoded. The signature is NOT
 * verified.
 *
 * @throws TokenFormatError (`ERR_TOKEN_NOT_JWT`) when the token is not three segments whose first
 *   two are base64url JSON objects (an opaque or encrypted token). The token is not echoed.
 */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const parts = token.split(".");
  const header = parts.length === 3 ? decodeSegment(parts[0]) : undefined;
  const claims = header && decodeSegment(parts[1]);
  if (!header || !claims) {
    throw new TokenFormatError(
      "the token is not a JWT (three base64url segments holding a JSON header and claims), so --decode cannot show it; it may be opaque or encrypted.",
    );
  }
  return { header, claims };
}

/** `az`'s `expiresOn`: local time as `YYYY-MM-DD HH:MM:SS.ffffff` (Python's `%Y-%m-%d %H:%M:%S.%f`). */
export function azExpiresOn(timestampMs: number): string {
  const d = new Date(timestampMs);
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${date} ${time}.${String(d.getMilliseconds() * 1000).padStart(6, "0")}`;
}

/** The tenant of a token: its `tid` claim when it carries one (read unverified), else the one asked for. */
function tenantOf(token: string, requested: string | undefined): string | undefined {
  const tid = decodeSegment(token.split(".")[1])?.tid;
  return typeof tid === "string" ? tid : requested;
}

/**
 * The text `entra-token` writes to stdout, ending in a line break.
 *
 * - `token`: the access token alone.
 * - `json`: `accessToken`, `expiresOn` (local time, az's format), `expires_on` (epoch seconds),
 *   `tenant` (the token's `tid`, else `--tenant`; absent when neither), `tokenType`, keys sorted
 *   as az prints them. az's `subscription` is absent: there is no subscription here.
 * - `header`: `Authorization: Bearer <token>`.
 * - `decode`: `{ note, header, claims }` as indented JSON.
 *
 * @throws TokenFormatError (`ERR_TOKEN_NOT_JWT`) for `decode` of a token that is not a JWT.
 */
export function formatToken(
  token: AccessToken,
  format: OutputFormat | "decode",
  requestedTenant?: string,
): string {
  switch (format) {
    case "token":
      return `${token.token}\n`;
    case "header":
      return `Authorization: Bearer ${token.token}\n`;
    case "json": {
      const tenant = tenantOf(token.token, requestedTenant);
      const json = {
        accessToken: token.token,
        expiresOn: azExpiresOn(token.expiresOnTimestamp),
        expires_on: Math.floor(token.expiresOnTimestamp / 1000),
        ...(tenant === undefined ? {} : { tenant }),
        tokenType: token.tokenType ?? "Bearer",
      };
      return `${JSON.stringify(json, null, 2)}\n`;
    }
    case "decode":
      return `${JSON.stringify({ note: DECODE_NOTE, ...decodeJwt(token.token) }, null, 2)}\n`;
  }
}
