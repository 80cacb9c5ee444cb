/**
 * The error classes of entra-zero. Names and constructor shapes follow `@azure/identity`, so code
 * that tests `err.name` keeps working; every error also carries a stable `code`.
 *
 * @module
 */
import { serverText } from "./util/redact.js";

/**
 * Every `code` this package gives its errors, so `switch (error.code)` narrows. Only
 * {@link AuthenticationError} adds Entra's own OAuth error strings (`invalid_client`,
 * `invalid_grant`, …), which stay open.
 */
export type IdentityErrorCode =
  | "ERR_INVALID_ARG_VALUE"
  | "ERR_INVALID_ARG_TYPE"
  | "ERR_TIMEOUT"
  | "ERR_ABORTED"
  | "ERR_NETWORK"
  | "ERR_PROXY"
  | "ERR_TLS_CERTIFICATE"
  | "ERR_REDIRECT_REFUSED"
  | "ERR_RESPONSE_TOO_LARGE"
  | "ERR_RESPONSE_TRUNCATED"
  | "ERR_RESPONSE_NOT_JSON"
  | "ERR_RESPONSE_INVALID"
  | "ERR_HTTP_STATUS"
  | "ERR_UNTRUSTED_AUTHORITY"
  | "ERR_OIDC_RESPONSE"
  | "ERR_CERT_READ"
  | "ERR_CERT_FORMAT"
  | "ERR_CERT_NO_KEY"
  | "ERR_CERT_NO_CERTIFICATE"
  | "ERR_CERT_KEY_MISMATCH"
  | "ERR_CERT_PASSWORD"
  | "ERR_CERT_KEY_TYPE"
  | "ERR_CERT_KEY_SIZE"
  | "ERR_PKCS12_MAC"
  | "ERR_PKCS12_UNSUPPORTED_ALGORITHM"
  | "ERR_PKCS12_ITERATIONS"
  | "ERR_DER_INVALID"
  | "ERR_CREDENTIAL_UNAVAILABLE"
  | "ERR_TENANT_NOT_ALLOWED"
  | "ERR_AGGREGATE"
  | "ERR_AUTHENTICATION_REQUIRED"
  | "ERR_ASSERTION_CALLBACK"
  | "ERR_STATE_MISMATCH"
  | "ERR_LOOPBACK_LISTEN"
  | "ERR_PROCESS_FAILED"
  | "ERR_PROCESS_OUTPUT"
  | "ERR_FEDERATED_TOKEN_FILE"
  | "ERR_MANAGED_IDENTITY_CONFIG"
  | "ERR_USER_ASSIGNED_UNSUPPORTED"
  | "ERR_IDENTITY_NOT_FOUND"
  | "ERR_IMDS_UNAVAILABLE"
  | "ERR_ARC_CHALLENGE"
  | "ERR_ARC_KEY_FILE"
  | "ERR_SERVER_CERT_MISMATCH"
  | "ERR_CACHE_FORMAT"
  | "ERR_CACHE_LOCKED"
  | "ERR_CACHE_IO"
  | "ERR_CACHE_PROTECTION"
  | "ERR_CACHE_UNAVAILABLE"
  | "ERR_CACHE_PLUGIN_MISSING"
  | "ERR_SHARED_CACHE_ACCOUNT";

/** Entra's own OAuth `error` strings (`invalid_client`, `invalid_grant`, …), passed through as codes. */
export type EntraErrorCode = string & {};

/** Options accepted by every error constructor of this package. */
export interface IdentityErrorOptions {
  /** The underlying error, kept as `cause`. */
  cause?: unknown;
  /** A stable code; see {@link IdentityErrorCode}. */
  code?: IdentityErrorCode;
}

/** Name constant of {@link CredentialUnavailableError}, as exported by `@azure/identity`. */
export const CredentialUnavailableErrorName = "CredentialUnavailableError";
/** Name constant of {@link AuthenticationError}, as exported by `@azure/identity`. */
export const AuthenticationErrorName = "AuthenticationError";
/** Name constant of {@link AggregateAuthenticationError}, as exported by `@azure/identity`. */
export const AggregateAuthenticationErrorName = "AggregateAuthenticationError";

/**
 * Keeps `cause` off `JSON.stringify(error)`: a raw cause may hold a response body. Node's
 * `rawPacket` (the bytes an HTTP parser choked on, which can echo the request) is dropped from the
 * whole chain, since `util.inspect` shows a cause's properties.
 */
function defineCause(error: Error, cause: unknown): void {
  const hidden = { value: cause, enumerable: false, writable: true, configurable: true };
  for (let c = cause, n = 0; c instanceof Object && n++ < 8; c = (c as Error).cause)
    Reflect.deleteProperty(c, "rawPacket");
  if (cause !== undefined) Object.defineProperty(error, "cause", hidden);
}

/**
 * The credential cannot work in this environment: it is not configured, a tool is not installed,
 * an endpoint is absent. A {@link ChainedTokenCredential} moves on to its next source.
 */
export class CredentialUnavailableError extends Error {
  /** Always `"CredentialUnavailableError"`. */
  override readonly name = CredentialUnavailableErrorName;
  /** A stable code, `ERR_CREDENTIAL_UNAVAILABLE` unless a more precise one applies. */
  readonly code: IdentityErrorCode;

  /**
   * @param message - what is missing and how to fix it; starts with the credential's name.
   * @param options - `cause` and a more precise `code`.
   */
  constructor(message?: string, options?: IdentityErrorOptions) {
    super(message);
    this.code = options?.code ?? "ERR_CREDENTIAL_UNAVAILABLE";
    defineCause(this, options?.cause);
  }
}

/** Entra's error body, with the names `@azure/identity` uses. */
export interface ErrorResponse {
  /** The OAuth error, e.g. `invalid_client`. */
  error: string;
  /** The human-readable description, usually starting with `AADSTS…`. */
  errorDescription: string;
  /** The numeric AADSTS codes. */
  errorCodes?: number[];
  /** When Entra produced the error. */
  timestamp?: string;
  /** Entra's trace id, for support requests. */
  traceId?: string;
  /** Entra's correlation id, for support requests. */
  correlationId?: string;
}

/** Extra options of {@link AuthenticationError}. */
export interface AuthenticationErrorOptions extends Omit<IdentityErrorOptions, "code"> {
  /** A stable code: one of this package's, or Entra's own `error` string. */
  code?: IdentityErrorCode | EntraErrorCode;
  /** The credential that failed; it starts the message. */
  credentialName?: string;
  /** A full message to use instead of the one built from the error body. */
  message?: string;
  /** Values the request carried: redacted, in every form, from `errorResponse` and the message built from it. */
  secrets?: readonly string[];
}

/** Every string of the body is the server's: redacted, and one line but for the description's breaks. */
function toErrorResponse(status: number, errorBody: unknown, secrets: readonly string[]) {
  const text = (value: string) => serverText(value, secrets);
  const lines = (value: string) => value.replace(/\r\n?/g, "\n").replace(/[^\n]+/g, text);
  let body = errorBody;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      const invalid = status === 400;
      const error = invalid ? "invalid_request" : "unknown_error";
      const what = invalid
        ? "The service indicated that the request was invalid."
        : "An unknown error has occurred. Response body:";
      return { error, errorDescription: `${what}\n\n${lines(String(body))}` };
    }
  }
  if (body !== null && typeof body === "object") {
    const raw = body as Record<string, unknown>;
    if (typeof raw.error === "string" && text(raw.error)) {
      const response: ErrorResponse = {
        error: text(raw.error),
        errorDescription:
          typeof raw.error_description === "string" ? lines(raw.error_description) : "",
      };
      if (Array.isArray(raw.error_codes) && raw.error_codes.every((c) => typeof c === "number")) {
        response.errorCodes = raw.error_codes as number[];
      }
      if (typeof raw.timestamp === "string") response.timestamp = text(raw.timestamp);
      if (typeof raw.trace_id === "string") response.traceId = text(raw.trace_id);
      if (typeof raw.correlation_id === "string") response.correlationId = text(raw.correlation_id);
      return response;
    }
  }
  const errorDescription = "An unknown error occurred and no additional details are available.";
  return { error: "unknown_error", errorDescription } satisfies ErrorResponse;
}

function describe(statusCode: number, response: ErrorResponse): string {
  const summary = response.errorDescription.split(/\r?\n/)[0]?.trim() ?? "";
  const ids = [
    response.traceId && !summary.includes(response.traceId) && `Trace ID: ${response.traceId}`,
    response.correlationId &&
      !summary.includes(response.correlationId) &&
      `Correlation ID: ${response.correlationId}`,
  ].filter(Boolean);
  const head = `${response.error}${statusCode ? ` (HTTP ${statusCode})` : ""}`;
  return (summary ? `${head}: ${summary}` : head) + (ids.length ? ` (${ids.join(", ")})` : "");
}

/**
 * The identity provider refused the request, or the exchange with it failed in a way that is not
 * "this credential is unavailable here". A {@link ChainedTokenCredential} stops at this error.
 *
 * `code` is Entra's `error` (e.g. `invalid_client`) or one of this package's `ERR_…` codes.
 */
export class AuthenticationError extends Error {
  /** Always `"AuthenticationError"`. */
  override readonly name: string = AuthenticationErrorName;
  /** The HTTP status of the failed response, or 0 when no response arrived. */
  readonly statusCode: number;
  /** Entra's error details. */
  readonly errorResponse: ErrorResponse;
  /** A stable code: Entra's `error` string or an `ERR_…` code of this package. */
  readonly code: IdentityErrorCode | EntraErrorCode;

  /**
   * @param statusCode - the HTTP status, 0 when none.
   * @param errorBody - Entra's error body as an object or JSON text; other text is kept as description.
   * @param options - `cause`, `code`, the credential name that prefixes the message, or a full message.
   */
  constructor(
    statusCode: number,
    errorBody: object | string | null | undefined,
    options?: AuthenticationErrorOptions,
  ) {
    const errorResponse = toErrorResponse(statusCode, errorBody, options?.secrets ?? []);
    const text = options?.message ?? describe(statusCode, errorResponse);
    super(options?.credentialName ? `${options.credentialName}: ${text}` : text);
    this.statusCode = statusCode;
    this.errorResponse = errorResponse;
    this.code = options?.code || errorResponse.error;
    defineCause(this, options?.cause);
  }
}

/** A chain's failures, in the order the sources were tried. */
export class AggregateAuthenticationError extends Error {
  /** Always `"AggregateAuthenticationError"`. */
  override readonly name = AggregateAuthenticationErrorName;
  /** Always `ERR_AGGREGATE`. */
  readonly code: IdentityErrorCode = "ERR_AGGREGATE";
  /** The error of each source that was tried, in order. */
  readonly errors: unknown[];

  /**
   * @param errors - each source's error, in order.
   * @param errorMessage - the first line of the message; each error's message follows on its own line.
   */
  constructor(errors: unknown[], errorMessage?: string) {
    const lines = errors.map((e) => `- ${e instanceof Error ? e.message : String(e)}`);
    super([errorMessage ?? "Authentication failed.", ...lines].join("\n"));
    this.errors = errors;
  }
}

/** Options of {@link AuthenticationRequiredError}, as in `@azure/identity`. */
export interface AuthenticationRequiredErrorOptions {
  /** The scopes that were requested. */
  scopes: string[];
  /** The options of the `getToken` call. */
  getTokenOptions?: object;
  /** The message. */
  message?: string;
  /** The underlying error. */
  cause?: unknown;
}

/** An interactive credential needs the user: call its `authenticate()` method. */
export class AuthenticationRequiredError extends Error {
  /** Always `"AuthenticationRequiredError"`. */
  override readonly name = "AuthenticationRequiredError";
  /** Always `ERR_AUTHENTICATION_REQUIRED`. */
  readonly code: IdentityErrorCode = "ERR_AUTHENTICATION_REQUIRED";
  /** The scopes that were requested. */
  readonly scopes: string[];
  /** The options of the `getToken` call. */
  readonly getTokenOptions?: object;

  /** @param options - scopes, options, message and cause. */
  constructor(options: AuthenticationRequiredErrorOptions) {
    super(options.message ?? "Interactive authentication is required.");
    this.scopes = options.scopes;
    if (options.getTokenOptions !== undefined) this.getTokenOptions = options.getTokenOptions;
    defineCause(this, options.cause);
  }
}

/** The caller's `abortSignal` fired. `name` is `"AbortError"`, as with `@azure/abort-controller`. */
export class AbortError extends Error {
  /** Always `"AbortError"`. */
  override readonly name = "AbortError";
  /** Always `ERR_ABORTED`. */
  readonly code: IdentityErrorCode = "ERR_ABORTED";
}

/**
 * An argument mistake, thrown by constructors (and by `getToken` for bad scopes or options).
 * `name` stays `"TypeError"`, as with Node's own argument errors; `code` is Node-style.
 */
export class InvalidArgumentError extends TypeError {
  /** `ERR_INVALID_ARG_VALUE` or `ERR_INVALID_ARG_TYPE`. */
  readonly code: IdentityErrorCode;

  /**
   * @param message - names the argument and what is wrong with it, never its value if it could be secret.
   * @param code - `ERR_INVALID_ARG_VALUE` (default) or `ERR_INVALID_ARG_TYPE`.
   */
  constructor(
    message: string,
    code: "ERR_INVALID_ARG_VALUE" | "ERR_INVALID_ARG_TYPE" = "ERR_INVALID_ARG_VALUE",
  ) {
    super(message);
    this.code = code;
  }
}

/**
 * A certificate or key could not be used: unreadable, malformed, wrong password, no key, key and
 * certificate that do not match, unsupported algorithm. `code` says which.
 */
export class CertificateError extends Error {
  /** Always `"CertificateError"`. */
  override readonly name = "CertificateError";
  /** One of the `ERR_CERT_…`, `ERR_PKCS12_…` or `ERR_DER_…` codes. */
  readonly code: IdentityErrorCode;

  /**
   * @param code - the stable code.
   * @param message - what is wrong; never contains a password or key material.
   * @param options - the underlying `cause`.
   */
  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.code = code;
    defineCause(this, options?.cause);
  }
}

/**
 * The persistent token cache could not be used: a file that is not an MSAL cache
 * (`ERR_CACHE_FORMAT`), a lock held too long (`ERR_CACHE_LOCKED`), a file or directory that cannot
 * be read or written (`ERR_CACHE_IO`), or an OS protection tool that failed
 * (`ERR_CACHE_PROTECTION`). `getToken` never fails for these: tokens stay in memory. Thrown only
 * by a credential's constructor, when `tokenCachePersistenceOptions.enabled` is set but the plugin
 * of `entra-zero/persistence` was not registered (`ERR_CACHE_PLUGIN_MISSING`).
 */
export class TokenCacheError extends Error {
  /** Always `"TokenCacheError"`. */
  override readonly name = "TokenCacheError";
  /** One of the `ERR_CACHE_…` codes. */
  readonly code: IdentityErrorCode;

  /**
   * @param code - the stable code.
   * @param message - what went wrong; never holds cache content or a key.
   * @param options - the underlying `cause`.
   */
  constructor(code: IdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message);
    this.code = code;
    defineCause(this, options?.cause);
  }
}

/**
 * The one way to build an {@link AuthenticationError} for a failure that is not an OAuth error
 * body: a timeout, a network fault, a malformed reply, a refused callback.
 *
 * @param credentialName - starts the message.
 * @param code - the stable code.
 * @param message - what went wrong, after the credential's name; never a secret.
 * @param options - the HTTP status when a reply arrived (default 0) and the underlying `cause`.
 */
export function authenticationFailure(
  credentialName: string,
  code: IdentityErrorCode | EntraErrorCode,
  message: string,
  options: { status?: number; cause?: unknown } = {},
): AuthenticationError {
  return new AuthenticationError(options.status ?? 0, null, {
    credentialName,
    code,
    message,
    cause: options.cause,
  });
}

/** The message of anything thrown, for a log line or another message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
