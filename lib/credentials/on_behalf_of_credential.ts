import { InvalidArgumentError } from "../errors.js";
import type { AssertionAlgorithm } from "../oauth/algorithms.js";
import type { ClientAuthentication } from "../oauth/client_auth.js";
import { onBehalfOfGrant } from "../oauth/grants.js";
import { checkTenantId } from "../oauth/tenant.js";
import type { CommonCredentialOptions } from "../types.js";
import { AppCredential } from "./app_credential_base.js";
import { requireString } from "./arguments.js";
import { certificateAuthentication } from "./certificate_assertion.js";

interface OnBehalfOfBase {
  /** The directory (tenant) id or domain of the middle-tier application. */
  tenantId: string;
  /** The middle-tier application's (client) id. */
  clientId: string;
  /** The access token the middle-tier API received from its caller (audience: this application). */
  userAssertionToken: string;
}

/** On-behalf-of with a client secret. */
export interface OnBehalfOfCredentialSecretOptions extends OnBehalfOfBase {
  clientSecret: string;
}

/** On-behalf-of with a certificate: PEM, or PKCS#12 where this build reads it. */
export interface OnBehalfOfCredentialCertificateOptions extends OnBehalfOfBase {
  /** Path of a PEM file (key and certificate) or a PKCS#12 file. */
  certificatePath: string;
  /** Password of an encrypted key or PKCS#12 file. */
  certificatePassword?: string | Uint8Array;
  /** Send the certificate chain in `x5c` (subject name / issuer authentication). */
  sendCertificateChain?: boolean;
  /** `RS256` with `x5t` (default) or `PS256` with `x5t#S256`. */
  assertionAlgorithm?: AssertionAlgorithm;
}

/** On-behalf-of with a client assertion from a callback (e.g. a managed identity's federated token). */
export interface OnBehalfOfCredentialAssertionOptions extends OnBehalfOfBase {
  /** Returns a fresh client assertion; called once per token request. */
  getAssertion: () => Promise<string>;
}

/** Options of {@link OnBehalfOfCredential}: one way to authenticate the application, plus the shared options. */
export type OnBehalfOfCredentialOptions = (
  | OnBehalfOfCredentialSecretOptions
  | OnBehalfOfCredentialCertificateOptions
  | OnBehalfOfCredentialAssertionOptions
) &
  CommonCredentialOptions;

const NAME = "OnBehalfOfCredential";

function clientAuthentication(
  options: OnBehalfOfCredentialOptions,
  clientId: string,
): ClientAuthentication {
  const given = ["clientSecret", "certificatePath", "getAssertion"].filter(
    (key) => (options as unknown as Record<string, unknown>)[key] !== undefined,
  );
  if (given.length !== 1) {
    throw new InvalidArgumentError(
      `${NAME}: pass exactly one of "clientSecret", "certificatePath" and "getAssertion".`,
    );
  }
  if ("clientSecret" in options && options.clientSecret !== undefined) {
    return { kind: "secret", secret: requireString(NAME, "clientSecret", options.clientSecret) };
  }
  if ("getAssertion" in options && options.getAssertion !== undefined) {
    const getAssertion = options.getAssertion;
    if (typeof getAssertion !== "function")
      throw new InvalidArgumentError(
        `${NAME}: "getAssertion" must be a function.`,
        "ERR_INVALID_ARG_TYPE",
      );
    return { kind: "assertion", getAssertion: () => getAssertion() };
  }
  const cert = options as OnBehalfOfCredentialCertificateOptions;
  const path = requireString(NAME, "certificatePath", cert.certificatePath);
  return certificateAuthentication(
    NAME,
    clientId,
    { certificatePath: path, certificatePassword: cert.certificatePassword },
    cert,
  );
}

/**
 * Lets a middle-tier API call a downstream API as its caller: exchanges the user's access token
 * (the user assertion) for a downstream token (the OAuth 2.0 on-behalf-of flow). Tokens are cached
 * under a SHA-256 hash of the user assertion, never the assertion itself.
 *
 * @example
 * ```ts
 * const credential = new OnBehalfOfCredential({ tenantId, clientId, clientSecret, userAssertionToken: incomingBearerToken });
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-on-behalf-of-flow
 */
export class OnBehalfOfCredential extends AppCredential {
  /**
   * @param options - tenant, client id, the user assertion, and exactly one of `clientSecret`, `certificatePath` (with `certificatePassword`) or `getAssertion`.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   * @throws CertificateError when the certificate cannot be used.
   */
  constructor(options: OnBehalfOfCredentialOptions) {
    if (options === null || typeof options !== "object")
      throw new InvalidArgumentError(
        `${NAME}: "options" must be an object.`,
        "ERR_INVALID_ARG_TYPE",
      );
    const tenantId = checkTenantId(NAME, requireString(NAME, "tenantId", options.tenantId));
    const clientId = requireString(NAME, "clientId", options.clientId);
    const userAssertion = requireString(NAME, "userAssertionToken", options.userAssertionToken);
    const partition = process
      .getBuiltinModule("node:crypto")
      .createHash("sha256")
      .update(userAssertion)
      .digest("base64url");
    const auth = clientAuthentication(options, clientId);
    const grant = (list: readonly string[]) => onBehalfOfGrant(list, userAssertion);
    super(NAME, tenantId, clientId, auth, options, grant, partition);
  }
}
