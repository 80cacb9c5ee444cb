/**
 * `AzurePipelinesCredential`: a service connection's workload identity federation in Azure Pipelines.
 *
 * @module
 */
import { CredentialUnavailableError } from "../errors.js";
import { resolveRetryOptions, sendWithRetry } from "../http/retry.js";
import { createIdentityTransport } from "../http/identity_transport.js";
import { checkHeaderValue, type Transport } from "../http/transport.js";
import { DEFAULT_TIMEOUT_MS, type RequestSettings } from "../oauth/token_client.js";
import type { CommonCredentialOptions } from "../types.js";
import { AppCredential } from "./app_credential_base.js";
import { requireAppTenant, requireString } from "./arguments.js";
import { oidcTokenRequest, parseOidcTokenResponse } from "./pipelines_oidc.js";

const NAME = "AzurePipelinesCredential";

/** Options of {@link AzurePipelinesCredential}. */
export interface AzurePipelinesCredentialOptions extends CommonCredentialOptions {}

/**
 * Authenticates as the app registration behind an Azure Pipelines service connection that uses
 * workload identity federation. Each token request first asks the pipeline's OIDC endpoint
 * (`SYSTEM_OIDCREQUESTURI`) for an ID token, with the job's system access token, and presents
 * that ID token as the client assertion.
 *
 * @example
 * ```ts
 * const credential = new AzurePipelinesCredential(tenantId, clientId, serviceConnectionId, process.env.SYSTEM_ACCESSTOKEN!);
 * ```
 * @see https://learn.microsoft.com/azure/devops/pipelines/library/connect-to-azure#create-an-azure-resource-manager-service-connection-that-uses-workload-identity-federation
 */
export class AzurePipelinesCredential extends AppCredential {
  readonly #oidcTransport: Transport;

  /**
   * @param tenantId - the tenant of the service connection's app registration.
   * @param clientId - the app registration's client id.
   * @param serviceConnectionId - the service connection's id (a GUID, not its name).
   * @param systemAccessToken - the job's `System.AccessToken`; never logged or put in a message.
   * @param options - authority, multi-tenant, retry, TLS and logging options.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument (named, never echoed).
   * @throws CredentialUnavailableError when `SYSTEM_OIDCREQUESTURI` is not set: this is not an Azure Pipelines job.
   */
  constructor(
    tenantId: string,
    clientId: string,
    serviceConnectionId: string,
    systemAccessToken: string,
    options: AzurePipelinesCredentialOptions = {},
  ) {
    const env = options.env ?? process.env;
    const tenant = requireAppTenant(NAME, tenantId);
    requireString(NAME, "clientId", clientId);
    requireString(NAME, "serviceConnectionId", serviceConnectionId);
    requireString(NAME, "systemAccessToken", systemAccessToken);
    checkHeaderValue(NAME, '"systemAccessToken"', systemAccessToken);
    const oidcRequestUri = env.SYSTEM_OIDCREQUESTURI;
    if (!oidcRequestUri) {
      throw new CredentialUnavailableError(
        `${NAME}: SYSTEM_OIDCREQUESTURI is not set. This credential works inside an Azure Pipelines job, which sets it. See https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot.`,
      );
    }
    const transport = createIdentityTransport(NAME, options, env);
    const retry = resolveRetryOptions(options.retryOptions);
    const oidc = oidcTokenRequest(oidcRequestUri, serviceConnectionId, systemAccessToken);
    // The OIDC request runs inside the token request: its timeout, abort signal and close() apply.
    const getAssertion = async (_: string, { signal, timeoutMs }: RequestSettings) => {
      const request = { ...oidc, signal, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS };
      const response = await sendWithRetry(transport, { method: "POST", ...request }, retry, NAME);
      return parseOidcTokenResponse(NAME, response, [systemAccessToken]);
    };
    super(NAME, tenant, clientId, { kind: "assertion", getAssertion }, options);
    this.#oidcTransport = transport;
  }

  /** Releases sockets (the token endpoint's and the OIDC endpoint's) and drops cached tokens. */
  override async close(): Promise<void> {
    await super.close();
    this.#oidcTransport.close();
  }
}
