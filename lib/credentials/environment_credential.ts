/**
 * `EnvironmentCredential`: a service principal described by `AZURE_*` environment variables.
 *
 * @module
 */
import { CredentialUnavailableError } from "../errors.js";
import type {
  AccessToken,
  AuthorityValidationOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { ClientCertificateCredential } from "./client_certificate_credential.js";
import { ClientSecretCredential } from "./client_secret_credential.js";
import { UsernamePasswordCredential } from "./username_password_credential.js";
import type { AppCredential } from "./app_credential_base.js";

const NAME = "EnvironmentCredential";
const VARIABLES = [
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_USERNAME",
  "AZURE_PASSWORD",
];
const HELP = "See https://aka.ms/azsdk/js/identity/environmentcredential/troubleshoot.";

/** Options of {@link EnvironmentCredential}. */
export interface EnvironmentCredentialOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {}

/**
 * Authenticates a service principal configured by environment variables, chosen once at
 * construction, first complete set wins:
 * 1. `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` → client secret;
 * 2. `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_CERTIFICATE_PATH` (PEM or PKCS#12, with
 *    `AZURE_CLIENT_CERTIFICATE_PASSWORD` and `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` = `true`/`1`) → certificate.
 *
 * 3. `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_USERNAME`, `AZURE_PASSWORD` → username/password
 *    (deprecated by Microsoft and refused for accounts with MFA; a warning is logged).
 *
 * `AZURE_ADDITIONALLY_ALLOWED_TENANTS` (`;`-separated) applies unless the option is given, and
 * `AZURE_AUTHORITY_HOST` picks the cloud.
 *
 * @example
 * ```ts
 * const credential = new EnvironmentCredential();
 * ```
 */
export class EnvironmentCredential implements TokenCredential {
  readonly #inner: AppCredential | undefined;
  readonly #unavailable: CredentialUnavailableError | undefined;

  /**
   * @param options - authority, multi-tenant, retry, TLS and logging options, handed to the chosen credential.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a malformed `AZURE_TENANT_ID` or other value of a complete set.
   * @throws CertificateError when `AZURE_CLIENT_CERTIFICATE_PATH` names an unusable certificate.
   */
  constructor(options: EnvironmentCredentialOptions = {}) {
    const env = options.env ?? process.env;
    const { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId } = env;
    const inner = { ...options, credentialName: NAME };
    const { AZURE_CLIENT_SECRET: secret, AZURE_CLIENT_CERTIFICATE_PATH: certificatePath } = env;
    if (tenantId && clientId && secret) {
      this.#inner = new ClientSecretCredential(tenantId, clientId, secret, inner);
    } else if (tenantId && clientId && certificatePath) {
      const sendCertificateChain = /^(true|1)$/i.test(
        env.AZURE_CLIENT_SEND_CERTIFICATE_CHAIN?.trim() ?? "",
      );
      const certificatePassword = env.AZURE_CLIENT_CERTIFICATE_PASSWORD || undefined;
      this.#inner = new ClientCertificateCredential(
        tenantId,
        clientId,
        { certificatePath, certificatePassword },
        { ...inner, sendCertificateChain },
      );
    } else if (tenantId && clientId && env.AZURE_USERNAME && env.AZURE_PASSWORD) {
      const { AZURE_USERNAME: username, AZURE_PASSWORD: password } = env;
      this.#inner = new UsernamePasswordCredential(tenantId, clientId, username, password, inner);
    } else {
      const present = VARIABLES.filter((name) => env[name]);
      this.#unavailable = new CredentialUnavailableError(
        `${NAME}: the environment variables are not fully configured: set AZURE_TENANT_ID and AZURE_CLIENT_ID with AZURE_CLIENT_SECRET, AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_USERNAME and AZURE_PASSWORD` +
          `${present.length ? ` (set now: ${present.join(", ")})` : ""}. ${HELP}`,
      );
    }
  }

  /**
   * Gets a token from the configured service principal.
   *
   * @throws CredentialUnavailableError (`ERR_CREDENTIAL_UNAVAILABLE`) when the variables are incomplete.
   * @throws AuthenticationError when Entra refuses the service principal; this stops `DefaultAzureCredential`, as it is a real misconfiguration.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (!this.#inner) throw this.#unavailable!;
    return this.#inner.getToken(scopes, options);
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
