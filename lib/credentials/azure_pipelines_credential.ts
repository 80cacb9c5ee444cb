/**
 * `AzurePipelinesCredential`: a service connection's workload identity federation in Azure Pipelines.
 *
 * @module
 */
import { CredentialUnavailableError } from "../errors.js";
import { checkHeaderValue } from "../http/transport.js";
import type { CommonCredentialOptions } from "../types.js";
import { requireAppTenant, requireString } from "./arguments.js";
import { CiOidcCredential } from "./ci_oidc.js";
import { pipelinesOidcEndpoint } from "./pipelines_oidc.js";

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
export class AzurePipelinesCredential extends CiOidcCredential {
  /**
   * @param tenantId - the tenant of the service connection's app registration.
   * @param clientId - the app registration's client id.
   * @param serviceConnectionId - the service connection's id (a GUID, not its name).
   * @param systemAccessToken - the job's `System.AccessToken`; never logged or put in a message.
   * @param options - authority, multi-tenant, retry, TLS and logging options.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument (named, never echoed).
   * @throws CredentialUnavailableError when `SYSTEM_OIDCREQUESTURI` is not set: this is not an Azure Pipelines job.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) when `SYSTEM_OIDCREQUESTURI` is not an `https:` URL.
   */
  constructor(
    tenantId: string,
    clientId: string,
    serviceConnectionId: string,
    systemAccessToken: string,
    options: AzurePipelinesCredentialOptions = {},
  ) {
    const tenant = requireAppTenant(NAME, tenantId);
    requireString(NAME, "clientId", clientId);
    requireString(NAME, "serviceConnectionId", serviceConnectionId);
    requireString(NAME, "systemAccessToken", systemAccessToken);
    checkHeaderValue(NAME, '"systemAccessToken"', systemAccessToken);
    const oidcRequestUri = (options.env ?? process.env).SYSTEM_OIDCREQUESTURI;
    if (!oidcRequestUri) {
      throw new CredentialUnavailableError(
        `${NAME}: SYSTEM_OIDCREQUESTURI is not set. This credential works inside an Azure Pipelines job, which sets it. See https://aka.ms/azsdk/js/identity/azurepipelinescredential/troubleshoot.`,
      );
    }
    const endpoint = pipelinesOidcEndpoint(
      NAME,
      oidcRequestUri,
      serviceConnectionId,
      systemAccessToken,
    );
    super(NAME, tenant, clientId, endpoint, options);
  }
}
