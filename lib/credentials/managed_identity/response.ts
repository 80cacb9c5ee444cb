/**
 * Checks a managed-identity endpoint's reply (pure: no I/O, no clock). Every source answers with
 * the same token shape; errors differ in shape and are mapped to "unavailable here" or "refused".
 *
 * @module
 */
import {
  AuthenticationError,
  CredentialUnavailableError,
  authenticationFailure,
} from "../../errors.js";
import { readJsonResponse } from "../../http/json_response.js";
import type { HttpResponse } from "../../http/transport.js";
import { inBounds, readSeconds, refreshAfter, toAccessToken } from "../../oauth/token_response.js";
import type { AccessToken } from "../../types.js";
import { asRecord } from "../../util/json.js";
import { serverText } from "../../util/redact.js";
import { NAME } from "./sources.js";

/** What the parser needs besides the response. */
export interface ManagedIdentityParseContext {
  /** The source's display name, e.g. "IMDS". */
  sourceName: string;
  /** When the request was sent; `expires_in` and refresh times count from here. */
  requestStartMs: number;
  /** Whether a user-assigned identity was requested (changes the "not found" message). */
  userAssigned: boolean;
  /** Values the request carried (secret header, Arc key) that no message may hold. */
  secrets?: readonly string[];
}

/**
 * Reads `expires_on`: epoch seconds as a number or numeric string, or a date string such as App
 * Service 2017's `06/20/2019 02:57:58 +00:00`.
 *
 * @returns milliseconds since the epoch, or `undefined` when unreadable.
 */
export function readExpiresOn(value: unknown): number | undefined {
  const seconds = readSeconds(value, Number.MAX_SAFE_INTEGER / 1000);
  if (seconds !== undefined) return seconds * 1000;
  if (typeof value !== "string" || !/\d/.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function refused(
  response: HttpResponse,
  record: Record<string, unknown> | undefined,
  context: ManagedIdentityParseContext,
): Error {
  const { status } = response;
  const { sourceName, secrets } = context;
  const nested = asRecord(record?.error);
  // The first of `values` that is non-empty text, as the server's text enters a message.
  const said = (...values: unknown[]) =>
    values.map((v) => (typeof v === "string" ? serverText(v, secrets) : "")).find(Boolean);
  // The service's own words: `error_description`, `message`, or Service Fabric's `error.message`.
  const detail =
    said(record?.error_description, record?.message, nested?.message) ??
    serverText(response.body.toString(), secrets);
  if (status === 400) {
    const what = context.userAssigned
      ? "The requested identity has not been assigned to this resource."
      : "No identity has been assigned to this resource.";
    return new CredentialUnavailableError(
      `${NAME}: ${sourceName} answered HTTP 400. ${what} Service message: ${detail}`,
      { code: "ERR_IDENTITY_NOT_FOUND" },
    );
  }
  if (status === 403 && /unreachable/i.test(response.body.toString("utf8"))) {
    return new CredentialUnavailableError(
      `${NAME}: ${sourceName} is unreachable from here (HTTP 403: ${detail}).`,
      { code: "ERR_IMDS_UNAVAILABLE" },
    );
  }
  const isOAuthBody = typeof record?.error === "string";
  const code = said(record?.error, nested?.code);
  return new AuthenticationError(status, isOAuthBody ? record : null, {
    credentialName: NAME,
    code: code ?? "ERR_HTTP_STATUS",
    message: `${sourceName} refused the token request with HTTP ${status}${code ? ` (${code})` : ""}: ${detail}`,
    secrets,
  });
}

/**
 * Turns a managed-identity reply into an access token or throws.
 *
 * @throws CredentialUnavailableError `ERR_IDENTITY_NOT_FOUND` (HTTP 400), `ERR_IMDS_UNAVAILABLE`
 *   (Docker Desktop's "unreachable" 403), `ERR_RESPONSE_NOT_JSON` (a 2xx that is not JSON: not a
 *   managed-identity endpoint).
 * @throws AuthenticationError with the service's error code or `ERR_HTTP_STATUS` for other
 *   failures, `ERR_RESPONSE_INVALID` for a token reply missing fields.
 */
export function parseManagedIdentityResponse(
  response: HttpResponse,
  context: ManagedIdentityParseContext,
): AccessToken {
  const { sourceName, requestStartMs: start } = context;
  const { json, record, arrived } = readJsonResponse(response, context.secrets);
  if (response.status < 200 || response.status >= 300) throw refused(response, record, context);
  if (json === undefined) {
    throw new CredentialUnavailableError(
      `${NAME}: ${sourceName} answered with a body that is not JSON (${arrived()}); this is not a managed-identity endpoint.`,
      { code: "ERR_RESPONSE_NOT_JSON" },
    );
  }
  const invalid = (what: string) =>
    authenticationFailure(
      NAME,
      "ERR_RESPONSE_INVALID",
      `the ${sourceName} response body ${what}.`,
      { status: response.status },
    );
  if (!record) throw invalid("is not a JSON object");
  const { access_token: token, token_type: type, expires_on, expires_in } = record;
  if (typeof token !== "string" || token === "")
    throw invalid(`"access_token" must be a non-empty string`);
  if (type !== undefined && (typeof type !== "string" || type.toLowerCase() !== "bearer"))
    throw invalid(`"token_type" must be "Bearer"`);
  let expiresOnTimestamp: number | undefined;
  if (expires_on !== undefined) {
    expiresOnTimestamp = readExpiresOn(expires_on);
    if (!inBounds(expiresOnTimestamp, start))
      throw invalid(`"expires_on" must be epoch seconds or a date, at most a year ahead`);
  } else if (expires_in !== undefined) {
    const seconds = readSeconds(expires_in);
    if (seconds === undefined) throw invalid(`"expires_in" must be seconds, at most a year`);
    expiresOnTimestamp = start + seconds * 1000;
  } else {
    throw invalid(`has neither "expires_on" nor "expires_in"`);
  }
  const refreshAfterTimestamp = refreshAfter(
    start,
    expiresOnTimestamp,
    readSeconds(record.refresh_in),
  );
  return toAccessToken({ accessToken: token, expiresOnTimestamp, refreshAfterTimestamp });
}
