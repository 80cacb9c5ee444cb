import { AuthenticationError, authenticationFailure, type IdentityErrorCode } from "../errors.js";
import { readJsonResponse } from "../http/json_response.js";
import { sleep } from "../http/retry.js";
import type { HttpResponse } from "../http/transport.js";
import type { InternalOptions } from "../types.js";
import { text } from "../util/json.js";
import { clampMs } from "../util/timeout.js";
import type { FormFields } from "./form.js";
import { deviceCodeGrant, withOidc } from "./grants.js";
import type { TokenClient } from "./token_client.js";
import { parseTokenResponse, readSeconds, type TokenResult } from "./token_response.js";
import { writeToStderr, type InteractionRequest } from "./user_session.js";

/** The longest wait between polls, whatever `interval` and `slow_down` ask. */
const MAX_POLL_MS = 60_000;
/** The longest a device code is polled, whatever `expires_in` says (Entra's last 15 minutes). */
const MAX_DEVICE_CODE_LIFETIME_MS = 60 * 60 * 1000;

/** What the user needs to sign in on another device, as in `@azure/identity`. */
export interface DeviceCodeInfo {
  /** The code to enter at `verificationUri`. */
  userCode: string;
  /** The page where the user enters the code. */
  verificationUri: string;
  /** Entra's ready-made instructions. */
  message: string;
}

/** A validated device authorization reply. */
export interface DeviceAuthorization extends DeviceCodeInfo {
  /** Secret: identifies this sign-in at the token endpoint. */
  deviceCode: string;
  expiresInSeconds: number;
  intervalSeconds: number;
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
  const { json, record: body } = readJsonResponse(response);
  // Here the secret is the device code, which arrives in this very body.
  const secrets = typeof body?.device_code === "string" ? [body.device_code] : [];
  if (response.status < 200 || response.status >= 300 || typeof body?.error === "string") {
    parseTokenResponse(response, { credentialName, requestStartMs: 0, secrets });
  }
  const invalid = (what: string, code: IdentityErrorCode = "ERR_RESPONSE_INVALID") =>
    authenticationFailure(
      credentialName,
      code,
      `the device code endpoint's response ${what} (${readJsonResponse(response, secrets).arrived()}).`,
      { status: response.status },
    );
  if (json === undefined) throw invalid("is not JSON", "ERR_RESPONSE_NOT_JSON");
  if (!body) throw invalid("is not a JSON object");
  const deviceCode = text(body.device_code);
  const userCode = text(body.user_code);
  const verificationUri = text(body.verification_uri ?? body.verification_url);
  const expiresInSeconds = readSeconds(body.expires_in);
  // RFC 8628 §3.2: 5 s when Entra names no interval.
  const intervalSeconds = body.interval === undefined ? 5 : readSeconds(body.interval);
  if (!deviceCode) throw invalid(`lacks "device_code"`);
  if (!userCode) throw invalid(`lacks "user_code"`);
  if (!verificationUri) throw invalid(`lacks "verification_uri"`);
  if (expiresInSeconds === undefined) throw invalid(`has no valid "expires_in"`);
  if (intervalSeconds === undefined) throw invalid(`has an invalid "interval"`);
  return {
    deviceCode,
    userCode,
    verificationUri,
    message:
      text(body.message) ??
      `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
    expiresInSeconds,
    intervalSeconds,
  };
}

/**
 * Signs a user in on another device (RFC 8628): asks Entra for a device code, shows it through
 * `userPromptCallback` (default: its message to `printLine`), then polls the token endpoint until the user finishes: waits `interval` (at least 1 s)
 * between polls, continues on `authorization_pending`, waits 5 s longer after each `slow_down`
 * (never over 60 s), and stops at `expires_in` (at most 1 hour).
 *
 * @throws AuthenticationError `authorization_declined`, `expired_token` (from Entra, or when
 *   `expires_in` passes), `bad_verification_code`, …; AbortError when `request.signal` fires.
 * @see https://www.rfc-editor.org/rfc/rfc8628#section-3.4
 */
export async function signInWithDeviceCode(
  client: TokenClient,
  request: InteractionRequest,
  options: InternalOptions & { userPromptCallback?: (info: DeviceCodeInfo) => void },
): Promise<TokenResult> {
  const { credentialName: name, now } = client;
  const { tenantId, signal, timeoutMs } = request;
  const fields: FormFields = { client_id: client.clientId, scope: withOidc(request.scopes) };
  if (request.claims) fields.claims = request.claims;
  const url = `${client.authority.host}/${tenantId}/oauth2/v2.0/devicecode`;
  // `expires_in` counts from when Entra answered; counting from the request errs early, never late.
  const requestStartMs = now();
  const response = await client.postForm(tenantId, url, fields, { signal, timeoutMs });
  const info = parseDeviceCodeResponse(response, name);
  const printLine = options.printLine ?? writeToStderr;
  const prompt =
    options.userPromptCallback ?? ((shown: DeviceCodeInfo) => printLine(shown.message));
  prompt({ userCode: info.userCode, verificationUri: info.verificationUri, message: info.message });

  const grant = deviceCodeGrant(info.deviceCode);
  const lifetimeMs = clampMs(info.expiresInSeconds * 1000, 0, MAX_DEVICE_CODE_LIFETIME_MS);
  const deadline = requestStartMs + lifetimeMs;
  const { minIntervalMs = 1_000, slowDownStepMs = 5_000 } = options.deviceCodePolling ?? {};
  let interval = clampMs(info.intervalSeconds * 1000, minIntervalMs, MAX_POLL_MS);
  for (;;) {
    await sleep(Math.min(interval, Math.max(0, deadline - now())), signal, name);
    if (now() >= deadline) {
      throw authenticationFailure(
        name,
        "expired_token",
        `the device code expired after ${lifetimeMs / 1000} s before the user finished signing in. Call getToken again for a new code.`,
      );
    }
    try {
      return await client.request(tenantId, grant, { signal, timeoutMs });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      if (error.code === "slow_down") interval = clampMs(interval + slowDownStepMs, 0, MAX_POLL_MS);
      else if (error.code !== "authorization_pending") throw error;
    }
  }
}
