/**
 * `EnvironmentCredential`: a service principal described by `AZURE_*` environment variables.
 *
 * @module
 */
import {
  AuthenticationError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../errors.js";
import type { InternalClientOptions } from "../oauth/token_client.js";
import type {
  AccessToken,
  AuthorityValidationOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { createLogger } from "../util/logger.js";
import { ClientCertificateCredential } from "./client_certificate.js";
import { ClientSecretCredential } from "./client_secret.js";

const NAME = "EnvironmentCredential";
const HELP = "See https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.";

/** Options of {@link EnvironmentCredential}. */
export interface EnvironmentCredentialOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {}

type Inner = ClientSecretCredential | ClientCertificateCredential;

function prefixed(error: unknown): unknown {
  if (error instanceof InvalidArgumentError)
    return new InvalidArgumentError(
      `${NAME}: ${error.message}`,
      error.code as "ERR_INVALID_ARG_VALUE",
    );
  if (error instanceof CertificateError)
    return new CertificateError(error.code, `${NAME}: ${error.message}`, { cause: error });
  if (error instanceof CredentialUnavailableError)
    return new CredentialUnavailableError(`${NAME}: ${error.message}`, {
      code: error.code,
      cause: error,
    });
  if (error instanceof AuthenticationError) {
    const r = error.errorResponse;
    const body = {
      error: r.error,
      error_description: r.errorDescription,
      error_codes: r.errorCodes,
      timestamp: r.timestamp,
      trace_id: r.traceId,
      correlation_id: r.correlationId,
    };
    return new AuthenticationError(error.statusCode, body, {
      credentialName: NAME,
      code: error.code,
      message: error.message,
      cause: error,
    });
  }
  return error;
}

/**
 * Authenticates a service principal configured by environment variables, chosen once at
 * construction, first complete set wins:
 * 1. `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` → client secret;
 * 2. `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_CERTIFICATE_PATH` (PEM or PKCS#12, with
 *    `AZURE_CLIENT_CERTIFICATE_PASSWORD` and `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` = `true`/`1`) → certificate.
 *
 * `AZURE_USERNAME` / `AZURE_PASSWORD` (username/password, deprecated by Microsoft and blocked by
 * MFA) are deliberately not supported: with only those set the credential is unavailable and says so.
 * `AZURE_ADDITIONALLY_ALLOWED_TENANTS` (`;`-separated) applies unless the option is given, and
 * `AZURE_AUTHORITY_HOST` picks the cloud.
 *
 * @example
 * ```ts
 * const credential = new EnvironmentCredential();
 * ```
 */
export class EnvironmentCredential implements TokenCredential {
  readonly #inner: Inner | undefined;
  readonly #unavailable: CredentialUnavailableError | undefined;

  /**
   * @param options - authority, multi-tenant, retry, TLS and logging options, handed to the chosen credential.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a malformed `AZURE_TENANT_ID` or other value of a complete set.
   * @throws CertificateError when `AZURE_CLIENT_CERTIFICATE_PATH` names an unusable certificate.
   */
  constructor(options: EnvironmentCredentialOptions = {}) {
    const internal = options as EnvironmentCredentialOptions & InternalClientOptions;
    const env = internal.env ?? process.env;
    const {
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: secret,
      AZURE_CLIENT_CERTIFICATE_PATH: certificatePath,
    } = env;
    try {
      if (tenantId && clientId && secret) {
        this.#inner = new ClientSecretCredential(tenantId, clientId, secret, internal);
        return;
      }
      if (tenantId && clientId && certificatePath) {
        const password = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
        const sendCertificateChain = /^(true|1)$/i.test(
          env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN?.trim() ?? "",
        );
        this.#inner = new ClientCertificateCredential(
          tenantId,
          clientId,
          { certificatePath, ...(password ? { certificatePassword: password } : {}) },
          { ...internal, sendCertificateChain },
        );
        return;
      }
    } catch (error) {
      throw prefixed(error);
    }
    if (env.AZURE_USERNAME && env.AZURE_PASSWORD) {
      const message = `${NAME}: AZURE_USERNAME and AZURE_PASSWORD are set, but username/password authentication is not supported: Microsoft has deprecated it and it fails for accounts with multifactor authentication. Configure a service principal (AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), a managed identity, or sign in with a developer tool. ${HELP}`;
      createLogger(NAME, options.loggingOptions, env).warning(message.slice(NAME.length + 2));
      this.#unavailable = new CredentialUnavailableError(message, {
        code: "ERR_USERNAME_PASSWORD_UNSUPPORTED",
      });
      return;
    }
    const present = [
      "AZURE_TENANT_ID",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_CLIENT_CERTIFICATE_PATH",
    ].filter((name) => env[name]);
    this.#unavailable = new CredentialUnavailableError(
      `${NAME}: the environment variables are not fully configured: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH` +
        `${present.length ? ` (set now: ${present.join(", ")})` : ""}. ${HELP}`,
    );
  }

  /**
   * Gets a token from the configured service principal.
   *
   * @throws CredentialUnavailableError when the variables are incomplete (`ERR_CREDENTIAL_UNAVAILABLE`) or describe username/password (`ERR_USERNAME_PASSWORD_UNSUPPORTED`).
   * @throws AuthenticationError when Entra refuses the service principal; this stops `DefaultAzureCredential`, as it is a real misconfiguration.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (!this.#inner) throw this.#unavailable!;
    try {
      return await this.#inner.getToken(scopes, options);
    } catch (error) {
      throw prefixed(error);
    }
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    await this.#inner?.close();
  }

  /** Same as {@link EnvironmentCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
