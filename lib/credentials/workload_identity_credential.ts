/**
 * `WorkloadIdentityCredential`: Kubernetes (AKS) workload identity federation.
 *
 * @module
 */
import { CredentialUnavailableError } from "../errors.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../types.js";
import { AppCredential } from "./app_credential_base.js";
import { requireAppTenant } from "./arguments.js";

const NAME = "WorkloadIdentityCredential";

/** Options of {@link WorkloadIdentityCredential}. */
export interface WorkloadIdentityCredentialOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {
  /** The directory (tenant) id; default `AZURE_TENANT_ID`. */
  tenantId?: string;
  /** The application (client) id the federated credential belongs to; default `AZURE_CLIENT_ID`. */
  clientId?: string;
  /** The federated token file; default `AZURE_FEDERATED_TOKEN_FILE`. */
  tokenFilePath?: string;
}

/**
 * Exchanges the service-account token the platform writes to a file for an Entra token: the
 * file's contents are the client assertion of a client-credentials request. The file is re-read
 * when the copy in memory is older than five minutes, so rotated tokens are used.
 *
 * @example
 * ```ts
 * // In a pod with azure.workload.identity/use: "true"; the webhook sets the variables.
 * const credential = new WorkloadIdentityCredential();
 * ```
 * @see https://learn.microsoft.com/azure/aks/workload-identity-overview
 */
export class WorkloadIdentityCredential extends AppCredential {
  /**
   * @param options - tenant, client id and token file (each defaulting to its variable), plus authority, multi-tenant, retry, TLS and logging options.
   * @throws CredentialUnavailableError when the tenant, client id or token file is neither given nor in the environment (the message lists which).
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a malformed tenant id.
   */
  constructor(options: WorkloadIdentityCredentialOptions = {}) {
    const env = options.env ?? process.env;
    const tenantId = options.tenantId || env.AZURE_TENANT_ID;
    const clientId = options.clientId || env.AZURE_CLIENT_ID;
    const tokenFilePath = options.tokenFilePath || env.AZURE_FEDERATED_TOKEN_FILE;
    const missing = [
      !tenantId && `"tenantId" (or AZURE_TENANT_ID)`,
      !clientId && `"clientId" (or AZURE_CLIENT_ID)`,
      !tokenFilePath && `"tokenFilePath" (or AZURE_FEDERATED_TOKEN_FILE)`,
    ].filter(Boolean);
    if (!tenantId || !clientId || !tokenFilePath) {
      throw new CredentialUnavailableError(
        `${NAME}: workload identity is not configured; missing ${missing.join(", ")}. In AKS, label the pod azure.workload.identity/use: "true" so these are set. See https://aka.ms/azsdk/js/identity/workloadidentitycredential/troubleshoot.`,
      );
    }
    const tenant = requireAppTenant(NAME, tenantId);
    const now = options.now ?? Date.now;
    // The file reader loads at the first token request and keeps its copy for this credential.
    let reader: Promise<() => Promise<string>> | undefined;
    const getAssertion = async () => {
      reader ??= import("./federated_token_file.js").then((m) =>
        m.federatedTokenReader(NAME, tokenFilePath, now),
      );
      return (await reader)();
    };
    super(NAME, tenant, clientId, { kind: "assertion", getAssertion }, options);
  }
}
