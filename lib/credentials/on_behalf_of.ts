import { createHash } from "node:crypto";
import { loadCertificate } from "../cert/load.js";
import { InvalidArgumentError } from "../errors.js";
import type { AssertionAlgorithm } from "../oauth/algorithms.js";
import { createClientAssertion } from "../oauth/assertion.js";
import type { ClientAuthentication } from "../oauth/client_auth.js";
import { ConfidentialClient } from "../oauth/confidential_client.js";
import { onBehalfOfGrant } from "../oauth/grants.js";
import { checkTenantId } from "../oauth/tenant.js";
import { TokenClient, type InternalClientOptions } from "../oauth/token_client.js";
import type {
  AccessToken,
  AuthorityValidationOptions,
  CredentialPersistenceOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { requireString } from "./arguments.js";

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
  MultiTenantTokenCredentialOptions &
  CredentialPersistenceOptions &
  AuthorityValidationOptions;

const NAME = "OnBehalfOfCredential";

function clientAuthentication(
  options: OnBehalfOfCredentialOptions,
  clientId: string,
  now: () => number,
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
  const algorithm = cert.assertionAlgorithm ?? "RS256";
  if (algorithm !== "RS256" && algorithm !== "PS256")
    throw new InvalidArgumentError(`${NAME}: "assertionAlgorithm" must be "RS256" or "PS256".`);
  const bundle = loadCertificate(NAME, {
    certificatePath: requireString(NAME, "certificatePath", cert.certificatePath),
    ...(cert.certificatePassword !== undefined
      ? { certificatePassword: cert.certificatePassword }
      : {}),
  });
  const sendCertificateChain = cert.sendCertificateChain === true;
  return {
    kind: "assertion",
    getAssertion: (audience) =>
      createClientAssertion({
        certificate: bundle,
        clientId,
        audience,
        algorithm,
        sendCertificateChain,
        nowSeconds: now() / 1000,
      }),
  };
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
export class OnBehalfOfCredential implements TokenCredential {
  readonly #client: ConfidentialClient;
  readonly #userAssertion: string;
  readonly #partition: string;

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
    this.#userAssertion = requireString(NAME, "userAssertionToken", options.userAssertionToken);
    this.#partition = createHash("sha256").update(this.#userAssertion).digest("base64url");
    const internal = options as OnBehalfOfCredentialOptions & InternalClientOptions;
    const auth = clientAuthentication(options, clientId, internal.now ?? Date.now);
    this.#client = new ConfidentialClient(
      new TokenClient(NAME, tenantId, clientId, auth, internal, true),
    );
  }

  /**
   * Gets a downstream token for the user. Served from the cache until five minutes before expiry.
   *
   * @param scopes - the downstream API's scopes, e.g. `"https://graph.microsoft.com/User.Read"`.
   * @throws AuthenticationError when Entra refuses (`invalid_grant` for an expired or foreign user assertion, `interaction_required` when the user must consent, `invalid_client`, …).
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(
      scopes,
      options,
      (list) => onBehalfOfGrant(list, this.#userAssertion),
      this.#partition,
    );
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    this.#client.close();
  }

  /** Same as {@link OnBehalfOfCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
