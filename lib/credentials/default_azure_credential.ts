/**
 * `DefaultAzureCredential`: the credential that works both on a developer's machine and in Azure.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { checkHeaderValue } from "../http/transport.js";
import type {
  AuthorityValidationOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { createLogger } from "../util/logger.js";
import { ChainedTokenCredential } from "./chained_token_credential.js";
import { createMembers, type MemberOptions } from "./default_members.js";
import {
  checkRequiredEnvVars,
  isGitHubActionsConfigured,
  selectMembers,
  type DefaultAzureCredentialEnvVars,
  type ExcludeFlags,
} from "./default_selection.js";

export type { DefaultAzureCredentialEnvVars } from "./default_selection.js";

const NAME = "DefaultAzureCredential";

/** Options of {@link DefaultAzureCredential}. */
export interface DefaultAzureCredentialOptions
  extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions, ExcludeFlags {
  /** The tenant for workload identity and the developer tools; default `AZURE_TENANT_ID` (workload identity) or the tool's own. */
  tenantId?: string;
  /** How long a developer tool may run, in milliseconds (default 10 000). */
  processTimeoutInMs?: number;
  /** Variables that must be set, or the constructor throws. */
  requiredEnvVars?: DefaultAzureCredentialEnvVars | DefaultAzureCredentialEnvVars[];
}

/** Options selecting a user-assigned managed identity (and workload identity app) by client id. */
export interface DefaultAzureCredentialClientIdOptions extends DefaultAzureCredentialOptions {
  /** Client id of the user-assigned managed identity; default `AZURE_CLIENT_ID`. */
  managedIdentityClientId?: string;
  /** Client id for workload identity; default `managedIdentityClientId`, then `AZURE_CLIENT_ID`. */
  workloadIdentityClientId?: string;
}

/** Options selecting a user-assigned managed identity by resource id. */
export interface DefaultAzureCredentialResourceIdOptions extends DefaultAzureCredentialOptions {
  /** Resource id of the user-assigned managed identity. */
  managedIdentityResourceId: string;
}

/**
 * Tries, in order, until one works: `EnvironmentCredential`, `WorkloadIdentityCredential`,
 * `GitHubActionsCredential` (an entra-zero addition, only when `ACTIONS_ID_TOKEN_REQUEST_URL`,
 * `ACTIONS_ID_TOKEN_REQUEST_TOKEN`, `AZURE_CLIENT_ID` and `AZURE_TENANT_ID` are set),
 * `ManagedIdentityCredential` (IMDS is probed for one second first), `AzureCliCredential`,
 * `AzurePowerShellCredential`, `AzureDeveloperCliCredential`. Once one has returned a token,
 * later calls go to it directly. `AZURE_TOKEN_CREDENTIALS` narrows the chain to `prod` (the
 * service credentials up to managed identity), `dev` (the developer tools) or one credential by
 * name; `exclude…Credential` options
 * drop members. Developer-tool failures only mark the tool unavailable; an environment-configured
 * service principal that Entra refuses stops the chain.
 *
 * @example
 * ```ts
 * const credential = new DefaultAzureCredential();
 * const client = new SecretClient(vaultUrl, credential);
 * ```
 * @see https://aka.ms/azsdk/js/identity/defaultazurecredential/troubleshoot
 */
export class DefaultAzureCredential extends ChainedTokenCredential {
  /**
   * @param options - see {@link DefaultAzureCredentialOptions}; `managedIdentityClientId` or `managedIdentityResourceId`, not both.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for an invalid `AZURE_TOKEN_CREDENTIALS`, both managed-identity ids, or a `userAgentPrefix` no HTTP header can carry.
   * @throws CredentialUnavailableError when a variable in `requiredEnvVars` is not set.
   */
  constructor(
    options:
      | DefaultAzureCredentialOptions
      | DefaultAzureCredentialClientIdOptions
      | DefaultAzureCredentialResourceIdOptions = {},
  ) {
    const settings = options as MemberOptions;
    const env = settings.env ?? process.env;
    checkRequiredEnvVars(settings.requiredEnvVars, env);
    const { userAgentPrefix } = settings.userAgentOptions ?? {};
    checkHeaderValue(NAME, '"userAgentOptions.userAgentPrefix"', userAgentPrefix);
    if (
      settings.managedIdentityClientId !== undefined &&
      settings.managedIdentityResourceId !== undefined
    ) {
      throw new InvalidArgumentError(
        `${NAME}: pass "managedIdentityClientId" or "managedIdentityResourceId", not both.`,
      );
    }
    const github = isGitHubActionsConfigured(env);
    const { members, single } = selectMembers(env.AZURE_TOKEN_CREDENTIALS, settings, github);
    super(...createMembers(members, settings, !single));
    const logger = createLogger(NAME, settings.loggingOptions, env);
    this.nameChain({
      sourceNames: members,
      logger,
      failureMessage:
        members.length === 0
          ? `${NAME}: every credential was excluded (AZURE_TOKEN_CREDENTIALS and the exclude options leave none to try).`
          : `${NAME}: no credential in the chain could get a token. Attempted credentials (see https://aka.ms/azsdk/js/identity/defaultazurecredential/troubleshoot):`,
    });
    logger.info(`chain: ${members.join(", ") || "(empty)"}`);
  }
}

/** A new {@link DefaultAzureCredential} with default options, as `@azure/identity` exports it. */
export function getDefaultAzureCredential(): TokenCredential {
  return new DefaultAzureCredential();
}
