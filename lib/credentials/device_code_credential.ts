import { InvalidArgumentError } from "../errors.js";
import type { DeviceCodeInfo } from "../oauth/device_code_flow.js";
import {
  InteractiveUserCredential,
  type InteractiveCredentialOptions,
} from "./user_credential_base.js";

export type { DeviceCodeInfo };

/** Receives the device code instructions; default writes `message` to stderr. */
export type DeviceCodePromptCallback = (deviceCodeInfo: DeviceCodeInfo) => void;

/** Options of {@link DeviceCodeCredential}, as in `@azure/identity`. */
export interface DeviceCodeCredentialOptions extends InteractiveCredentialOptions {
  /** The directory (tenant) id or domain; default `organizations` with the default client id, else `common`. */
  tenantId?: string;
  /** The application (client) id of a public client; default the Azure CLI's. */
  clientId?: string;
  /** Shows the user code and URL; default writes the message to stderr. */
  userPromptCallback?: DeviceCodePromptCallback;
}

/**
 * Signs a user in on another device (OAuth 2.0 device authorization grant, RFC 8628), for
 * command-line tools and machines without a browser; then renews tokens with the refresh token.
 *
 * @example
 * ```ts
 * const credential = new DeviceCodeCredential({ tenantId, clientId, userPromptCallback: (info) => console.log(info.message) });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code
 */
export class DeviceCodeCredential extends InteractiveUserCredential {
  /**
   * @param options - tenant, client id, prompt callback, `disableAutomaticAuthentication`, authority, multi-tenant, retry, TLS, logging.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`, `ERR_INVALID_ARG_TYPE`) for a malformed tenant id, client id or callback.
   */
  constructor(options: DeviceCodeCredentialOptions = {}) {
    const name = "DeviceCodeCredential";
    const callback = options.userPromptCallback;
    if (callback !== undefined && typeof callback !== "function") {
      throw new InvalidArgumentError(
        `${name}: "userPromptCallback" must be a function.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    const flow = { ...options }; // read at construction, like every other option
    // The device code flow loads at the first sign-in.
    super(name, options, async (client, request) =>
      (await import("../oauth/device_code_flow.js")).signInWithDeviceCode(client, request, flow),
    );
  }
}
