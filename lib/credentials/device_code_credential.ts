import { pollForToken, requestDeviceCode } from "../oauth/device_code_flow.js";
import type { Interaction } from "../oauth/user_session.js";
import { InvalidArgumentError } from "../errors.js";
import {
  createPublicUserSession,
  InteractiveUserCredential,
  writeToStderr,
  type InteractiveCredentialOptions,
  type InternalUserFlowOptions,
} from "./user_credential.js";

/** What the user needs to sign in on another device, as in `@azure/identity`. */
export interface DeviceCodeInfo {
  /** The code to enter at `verificationUri`. */
  userCode: string;
  /** The page where the user enters the code. */
  verificationUri: string;
  /** Entra's ready-made instructions. */
  message: string;
}

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
    const internal = options as DeviceCodeCredentialOptions & InternalUserFlowOptions;
    if (
      options.userPromptCallback !== undefined &&
      typeof options.userPromptCallback !== "function"
    ) {
      throw new InvalidArgumentError(
        `${name}: "userPromptCallback" must be a function.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    const session = createPublicUserSession(name, options);
    const printLine = internal.printLine ?? writeToStderr;
    const prompt =
      options.userPromptCallback ?? ((info: DeviceCodeInfo) => printLine(info.message));
    const client = session.client;
    const interaction: Interaction = async (request) => {
      const settings = {
        ...(request.signal ? { signal: request.signal } : {}),
        ...(request.timeoutMs ? { timeoutMs: request.timeoutMs } : {}),
      };
      const authorization = await requestDeviceCode(client, request.tenantId, request.scopes, {
        ...settings,
        ...(request.claims ? { claims: request.claims } : {}),
      });
      prompt({
        userCode: authorization.userCode,
        verificationUri: authorization.verificationUri,
        message: authorization.message,
      });
      return pollForToken(client, request.tenantId, authorization, {
        ...settings,
        ...internal.deviceCodePolling,
      });
    };
    super(session, interaction, options.disableAutomaticAuthentication !== true);
  }
}
