import { AbortError, AuthenticationError } from "../errors.js";
import type { HttpResponse } from "../http/transport.js";
import type { AbortSignalLike } from "../types.js";
import { describeBody } from "../util/redact.js";
import type { Authority } from "./authority.js";
import { deviceCodeGrant, withOidc } from "./grants.js";
import type { TokenClient } from "./token_client.js";
import { parseTokenResponse, readSeconds, type TokenResult } from "./token_response.js";

/** The polling interval when Entra names none (RFC 8628 §3.2). */
export const DEFAULT_POLL_INTERVAL_S = 5;
/** How much longer to wait after each `slow_down` (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP_MS = 5_000;
/** The shortest wait between polls, whatever Entra says. */
export const MIN_POLL_INTERVAL_MS = 1_000;

/** A validated device authorization reply. */
export interface DeviceAuthorization {
  /** Secret: identifies this sign-in at the token endpoint. */
  deviceCode: string;
  /** The code the user types at `verificationUri`. */
  userCode: string;
  verificationUri: string;
  /** Entra's instructions for the user. */
  message: string;
  expiresInSeconds: number;
  intervalSeconds: number;
}

/** The device authorization endpoint of a tenant. */
export function deviceCodeEndpoint(authority: Authority, tenantId: string): string {
  return `${authority.host}/${tenantId}/oauth2/v2.0/devicecode`;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/**
 * Checks a device authorization reply. Pure. Entra error bodies and failed statuses become the
 * same coded {@link AuthenticationError}s as token endpoint replies.
 *
 * @throws AuthenticationError with Entra's `error` as code, or `ERR_HTTP_STATUS`, `ERR_RESPONSE_NOT_JSON`, `ERR_RESPONSE_INVALID`.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.2
 */
export function parseDeviceCodeResponse(
  response: HttpResponse,
  credentialName: string,
): DeviceAuthorization {
  let json: unknown;
  try {
    json = JSON.parse(response.body.toString("utf8"));
  } catch {
    json = undefined;
  }
  const body =
    json !== null && typeof json === "object" && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  const secrets = typeof body?.device_code === "string" ? [body.device_code] : [];
  if (response.status < 200 || response.status >= 300 || typeof body?.error === "string") {
    parseTokenResponse(response, { credentialName, requestStartMs: 0, secrets });
  }
  const invalid = (code: string, what: string) =>
    new AuthenticationError(response.status, null, {
      credentialName,
      code,
      message: `the device code endpoint's response ${what} (HTTP ${response.status}, body starting ${describeBody(response.body, secrets)}).`,
    });
  if (json === undefined) throw invalid("ERR_RESPONSE_NOT_JSON", "is not JSON");
  if (!body) throw invalid("ERR_RESPONSE_INVALID", "is not a JSON object");
  for (const field of ["device_code", "user_code"] as const) {
    if (!nonEmpty(body[field])) throw invalid("ERR_RESPONSE_INVALID", `lacks "${field}"`);
  }
  const verificationUri = body.verification_uri ?? body.verification_url;
  if (!nonEmpty(verificationUri)) throw invalid("ERR_RESPONSE_INVALID", `lacks "verification_uri"`);
  const expiresIn = readSeconds(body.expires_in);
  if (expiresIn === undefined) throw invalid("ERR_RESPONSE_INVALID", `has no valid "expires_in"`);
  const interval =
    body.interval === undefined ? DEFAULT_POLL_INTERVAL_S : readSeconds(body.interval);
  if (interval === undefined) throw invalid("ERR_RESPONSE_INVALID", `has an invalid "interval"`);
  const userCode = body.user_code as string;
  return {
    deviceCode: body.device_code as string,
    userCode,
    verificationUri,
    message: nonEmpty(body.message)
      ? body.message
      : `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    expiresInSeconds: expiresIn,
    intervalSeconds: interval,
  };
}

/** Per-request settings of the device code flow. */
export interface DeviceCodeSettings {
  claims?: string;
  signal?: AbortSignalLike;
  timeoutMs?: number;
}

/** Asks Entra for a device code and user code for `scopes`. */
export async function requestDeviceCode(
  client: TokenClient,
  tenantId: string,
  scopes: readonly string[],
  settings: DeviceCodeSettings = {},
): Promise<DeviceAuthorization> {
  const fields: Array<[string, string]> = [
    ["client_id", client.clientId],
    ["scope", withOidc(scopes)],
  ];
  if (settings.claims) fields.push(["claims", settings.claims]);
  const response = await client.postForm(
    tenantId,
    deviceCodeEndpoint(client.authority, tenantId),
    fields,
    {
      ...(settings.signal ? { signal: settings.signal } : {}),
      ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    },
  );
  return parseDeviceCodeResponse(response, client.credentialName);
}

/** Polling settings; the minimums exist so tests can shorten them. */
export interface PollSettings extends DeviceCodeSettings {
  minIntervalMs?: number;
  slowDownStepMs?: number;
}

function sleep(
  ms: number,
  signal: AbortSignalLike | undefined,
  credentialName: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => new AbortError(`${credentialName}: the operation was aborted.`);
    if (signal?.aborted) return reject(aborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls the token endpoint until the user finishes: waits `interval` between polls, continues on
 * `authorization_pending`, waits 5 s longer after each `slow_down`, and stops at `expires_in`.
 *
 * @throws AuthenticationError `authorization_declined`, `expired_token` (from Entra, or when
 *   `expires_in` passes), `bad_verification_code`, …; AbortError when `signal` fires.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export async function pollForToken(
  client: TokenClient,
  tenantId: string,
  info: DeviceAuthorization,
  settings: PollSettings = {},
): Promise<TokenResult> {
  const name = client.credentialName;
  const deadline = client.now() + info.expiresInSeconds * 1000;
  let interval = Math.max(
    info.intervalSeconds * 1000,
    settings.minIntervalMs ?? MIN_POLL_INTERVAL_MS,
  );
  for (;;) {
    await sleep(Math.min(interval, Math.max(0, deadline - client.now())), settings.signal, name);
    if (client.now() >= deadline) {
      throw new AuthenticationError(0, null, {
        credentialName: name,
        code: "expired_token",
        message: `the device code expired after ${info.expiresInSeconds} s before the user finished signing in. Call getToken again for a new code.`,
      });
    }
    try {
      return await client.request(tenantId, deviceCodeGrant(info.deviceCode), {
        ...(settings.signal ? { signal: settings.signal } : {}),
        ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
      });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      if (error.code === "slow_down") interval += settings.slowDownStepMs ?? SLOW_DOWN_STEP_MS;
      else if (error.code !== "authorization_pending") throw error;
    }
  }
}
