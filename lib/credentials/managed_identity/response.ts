/**
 * Checks a managed-identity endpoint's reply (pure: no I/O, no clock). Every source answers with
 * the same token shape; errors differ in shape and are mapped to "unavailable here" or "refused".
 *
 * @module
 */
import { AuthenticationError, CredentialUnavailableError } from "../../errors.js";
import type { HttpResponse } from "../../http/transport.js";
import { readSeconds, type TokenResult } from "../../oauth/token_response.js";
import { describeBody, redactSecrets } from "../../util/redact.js";

/** What the parser needs besides the response. */
export interface ManagedIdentityParseContext {
  credentialName: string;
  /** The source's display name, e.g. "IMDS". */
  sourceName: string;
  /** When the request was sent; `expires_in` counts from here. */
  requestStartMs: number;
  /** Whether a user-assigned identity was requested (changes the "not found" message). */
  userAssigned: boolean;
}

const HALF_LIFE_THRESHOLD_MS = 2 * 60 * 60 * 1000;

/**
 * Reads `expires_on`: epoch seconds as a number or numeric string, or a date string such as App
 * Service 2017's `06/20/2019 02:57:58 +00:00`.
 *
 * @returns milliseconds since the epoch, or `undefined` when unreadable.
 */
export function readExpiresOn(value: unknown): number | undefined {
  const seconds = readSeconds(value);
  if (seconds !== undefined) return seconds * 1000;
  if (typeof value !== "string" || !/\d/.test(value)) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The service's own words from an error body: `error_description`, `message`, or Service Fabric's `error.message`. */
function serviceMessage(json: Record<string, unknown> | undefined, body: Buffer): string {
  const nested = asRecord(json?.error);
  const text = [json?.error_description, json?.message, nested?.message].find(
    (v): v is string => typeof v === "string" && v.trim() !== "",
  );
  return text ? redactSecrets(text.replace(/\s+/g, " ").trim()).slice(0, 400) : describeBody(body);
}

function errorCode(json: Record<string, unknown> | undefined): string | undefined {
  if (typeof json?.error === "string") return json.error;
  const nested = asRecord(json?.error);
  return typeof nested?.code === "string" ? nested.code : undefined;
}

/**
 * Turns a managed-identity reply into a {@link TokenResult} or throws.
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
): TokenResult {
  const { credentialName, sourceName, status } = { ...context, status: response.status };
  const json = parseJson(response.body);
  const record = asRecord(json);
  const arrived = () =>
    `HTTP ${status}, content-type ${String(response.headers["content-type"] ?? "none")}, body starting ${describeBody(response.body)}`;

  if (status < 200 || status >= 300) {
    const detail = serviceMessage(record, response.body);
    if (status === 400) {
      const what = context.userAssigned
        ? "The requested identity has not been assigned to this resource."
        : "No identity has been assigned to this resource.";
      throw new CredentialUnavailableError(
        `${credentialName}: ${sourceName} answered HTTP 400. ${what} Service message: ${detail}`,
        { code: "ERR_IDENTITY_NOT_FOUND" },
      );
    }
    if (status === 403 && /unreachable/i.test(response.body.toString("utf8"))) {
      throw new CredentialUnavailableError(
        `${credentialName}: ${sourceName} is unreachable from here (HTTP 403: ${detail}).`,
        { code: "ERR_IMDS_UNAVAILABLE" },
      );
    }
    const code = errorCode(record);
    throw new AuthenticationError(
      status,
      record && typeof record.error === "string" ? record : null,
      {
        credentialName,
        code: code ?? "ERR_HTTP_STATUS",
        message: `${sourceName} refused the token request with HTTP ${status}${code ? ` (${code})` : ""}: ${detail}`,
      },
    );
  }
  if (json === undefined) {
    throw new CredentialUnavailableError(
      `${credentialName}: ${sourceName} answered with a body that is not JSON (${arrived()}); this is not a managed-identity endpoint.`,
      {
        code: "ERR_RESPONSE_NOT_JSON",
      },
    );
  }
  const invalid = (what: string) =>
    new AuthenticationError(status, null, {
      credentialName,
      code: "ERR_RESPONSE_INVALID",
      message: `the ${sourceName} response body ${what}.`,
    });
  if (!record) throw invalid("is not a JSON object");
  if (typeof record.access_token !== "string" || record.access_token === "")
    throw invalid(`"access_token" must be a non-empty string`);
  if (
    record.token_type !== undefined &&
    (typeof record.token_type !== "string" || record.token_type.toLowerCase() !== "bearer")
  ) {
    throw invalid(`"token_type" must be "Bearer"`);
  }
  const start = context.requestStartMs;
  let expiresOn: number | undefined;
  if (record.expires_on !== undefined) {
    expiresOn = readExpiresOn(record.expires_on);
    if (expiresOn === undefined) throw invalid(`"expires_on" must be epoch seconds or a date`);
  } else if (record.expires_in !== undefined) {
    const seconds = readSeconds(record.expires_in);
    if (seconds === undefined) throw invalid(`"expires_in" must be a non-negative number`);
    expiresOn = start + seconds * 1000;
  } else {
    throw invalid(`has neither "expires_on" nor "expires_in"`);
  }
  const result: TokenResult = { accessToken: record.access_token, expiresOnTimestamp: expiresOn };
  const refreshIn = readSeconds(record.refresh_in);
  if (refreshIn !== undefined) result.refreshAfterTimestamp = start + refreshIn * 1000;
  else if (expiresOn - start >= HALF_LIFE_THRESHOLD_MS)
    result.refreshAfterTimestamp = start + (expiresOn - start) / 2;
  return result;
}
