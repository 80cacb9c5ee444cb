import { AuthenticationError } from "../errors.js";
import type { HttpResponse } from "../http/transport.js";
import type { AccessToken } from "../types.js";
import { describeBody, redactSecrets } from "../util/redact.js";

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

const HALF_LIFE_THRESHOLD_S = 2 * 60 * 60;

function contentType(response: HttpResponse): string {
  return String(response.headers["content-type"] ?? "none");
}

function invalid(context: ParseContext, response: HttpResponse, what: string): AuthenticationError {
  return new AuthenticationError(response.status, null, {
    credentialName: context.credentialName,
    code: "ERR_RESPONSE_INVALID",
    message: `the token endpoint's response body ${what}.`,
  });
}

/** Reads a non-negative number of seconds given as a JSON number or numeric string. */
export function readSeconds(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function parseJson(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Turns a token endpoint reply into a {@link TokenResult} or throws. Pure: no I/O, no clock.
 *
 * @throws AuthenticationError with Entra's `error` as code for an OAuth error body, or with
 *   `ERR_HTTP_STATUS`, `ERR_RESPONSE_NOT_JSON`, `ERR_RESPONSE_INVALID` for anything else. Messages
 *   say what arrived (status, content type, first bytes redacted) and never carry a token.
 */
export function parseTokenResponse(response: HttpResponse, context: ParseContext): TokenResult {
  const json = parseJson(response);
  const isObject = json !== null && typeof json === "object" && !Array.isArray(json);
  const arrived = () =>
    `HTTP ${response.status}, content-type ${contentType(response)}, body starting ${describeBody(response.body, context.secrets)}`;

  if (response.status < 200 || response.status >= 300) {
    if (isObject && typeof (json as Record<string, unknown>).error === "string") {
      return throwOAuthError(response.status, json as Record<string, unknown>, context);
    }
    throw new AuthenticationError(response.status, null, {
      credentialName: context.credentialName,
      code: "ERR_HTTP_STATUS",
      message: `the token endpoint failed without an OAuth error body (${arrived()}).`,
    });
  }
  if (json === undefined) {
    throw new AuthenticationError(response.status, null, {
      credentialName: context.credentialName,
      code: "ERR_RESPONSE_NOT_JSON",
      message: `the token endpoint's response is not JSON (${arrived()}).`,
    });
  }
  if (!isObject) throw invalid(context, response, "is not a JSON object");
  const body = json as Record<string, unknown>;
  if (typeof body.error === "string") return throwOAuthError(response.status, body, context);

  if (typeof body.access_token !== "string" || body.access_token.length === 0) {
    throw invalid(context, response, `"access_token" must be a non-empty string`);
  }
  if (typeof body.token_type !== "string" || body.token_type.toLowerCase() !== "bearer") {
    throw invalid(context, response, `"token_type" must be "Bearer"`);
  }
  const expiresIn = readSeconds(body.expires_in);
  if (expiresIn === undefined)
    throw invalid(context, response, `"expires_in" must be a non-negative number`);
  const refreshIn = body.refresh_in === undefined ? undefined : readSeconds(body.refresh_in);
  if (body.refresh_in !== undefined && refreshIn === undefined) {
    throw invalid(context, response, `"refresh_in" must be a non-negative number`);
  }
  for (const field of ["refresh_token", "id_token", "client_info", "scope"] as const) {
    if (body[field] !== undefined && typeof body[field] !== "string")
      throw invalid(context, response, `"${field}" must be a string`);
  }

  const start = context.requestStartMs;
  const result: TokenResult = {
    accessToken: body.access_token,
    expiresOnTimestamp: start + expiresIn * 1000,
  };
  if (refreshIn !== undefined) result.refreshAfterTimestamp = start + refreshIn * 1000;
  else if (expiresIn >= HALF_LIFE_THRESHOLD_S)
    result.refreshAfterTimestamp = start + (expiresIn * 1000) / 2;
  if (typeof body.refresh_token === "string") result.refreshToken = body.refresh_token;
  if (typeof body.id_token === "string") result.idToken = body.id_token;
  if (typeof body.client_info === "string") result.clientInfo = body.client_info;
  if (typeof body.scope === "string") result.scope = body.scope;
  return result;
}

function throwOAuthError(
  status: number,
  body: Record<string, unknown>,
  context: ParseContext,
): never {
  const description =
    typeof body.error_description === "string"
      ? redactSecrets(body.error_description, context.secrets)
      : undefined;
  throw new AuthenticationError(
    status || 400,
    { ...body, error_description: description },
    {
      credentialName: context.credentialName,
    },
  );
}
