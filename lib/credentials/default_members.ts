/**
 * Builds the members of `DefaultAzureCredential`'s chain. Each member gets the options object
 * whole (proxy, TLS, retry, logging, authority and every later option reach it without a list to
 * keep up to date), plus the few fields whose names differ between the two.
 *
 * @module
 */
import {
  AuthenticationError,
  CredentialUnavailableError,
  type IdentityErrorCode,
} from "../errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import { AzureCliCredential } from "./azure_cli_credential.js";
import { AzureDeveloperCliCredential } from "./azure_developer_cli_credential.js";
import { AzurePowerShellCredential } from "./azure_powershell_credential.js";
import type { DefaultAzureCredentialClientIdOptions } from "./default_azure_credential.js";
import type { DefaultChainMember } from "./default_selection.js";
import { EnvironmentCredential } from "./environment_credential.js";
import { GitHubActionsCredential } from "./github_actions_credential.js";
import { InteractiveBrowserCredential } from "./interactive_browser_credential.js";
import { ManagedIdentityCredential } from "./managed_identity_credential.js";
import { SharedTokenCacheCredential } from "./shared_token_cache_credential.js";
import { VisualStudioCodeCredential } from "./visual_studio_code_credential.js";
import { WorkloadIdentityCredential } from "./workload_identity_credential.js";

/** `DefaultAzureCredential`'s options with both ways of naming a user-assigned identity. */
export type MemberOptions = DefaultAzureCredentialClientIdOptions & {
  managedIdentityResourceId?: string;
};

/** Stands in for a member whose constructor threw: `getToken` throws that error. */
function failed(error: unknown): TokenCredential {
  return { getToken: () => Promise.reject(error) };
}

/** Developer-tool failures (`AuthenticationError`) become `CredentialUnavailableError` with the same message and code. */
function downgraded(credential: TokenCredential & { close(): Promise<void> }): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      try {
        return (await credential.getToken(scopes, options))!;
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        // Developer tools fail with this package's codes only, never with an Entra error string.
        const code = error.code as IdentityErrorCode;
        throw new CredentialUnavailableError(error.message, { code, cause: error });
      }
    },
    close: () => credential.close(),
  } as TokenCredential;
}

function create(name: DefaultChainMember, options: MemberOptions, probe: boolean): TokenCredential {
  const env = options.env ?? process.env;
  switch (name) {
    case "EnvironmentCredential":
      return new EnvironmentCredential(options);
    case "WorkloadIdentityCredential":
      return new WorkloadIdentityCredential({
        ...options,
        clientId: options.workloadIdentityClientId ?? options.managedIdentityClientId,
      });
    case "GitHubActionsCredential":
      return new GitHubActionsCredential(options);
    case "ManagedIdentityCredential": {
      const { managedIdentityResourceId: resourceId } = options;
      const clientId = resourceId
        ? undefined
        : (options.managedIdentityClientId ?? env.AZURE_CLIENT_ID);
      return new ManagedIdentityCredential({
        ...options,
        clientId,
        resourceId,
        sendProbeRequest: probe,
      });
    }
    case "VisualStudioCodeCredential":
      return new VisualStudioCodeCredential(options);
    case "AzureCliCredential":
      return downgraded(new AzureCliCredential(options));
    case "AzurePowerShellCredential":
      return downgraded(new AzurePowerShellCredential(options));
    case "AzureDeveloperCliCredential":
      return downgraded(new AzureDeveloperCliCredential(options));
    case "InteractiveBrowserCredential":
      return new InteractiveBrowserCredential(options);
    case "SharedTokenCacheCredential":
      try {
        return new SharedTokenCacheCredential({
          ...options,
          tenantId: (options as { tenantId?: string }).tenantId ?? env.AZURE_TENANT_ID,
        });
      } catch (error) {
        // As in azure-identity: a shared cache that cannot be set up is only unavailable.
        throw new CredentialUnavailableError(
          `SharedTokenCacheCredential: unavailable: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
  }
}

/**
 * Builds each named member. A constructor that throws is replaced by a stand-in throwing the same
 * error from `getToken`: "unavailable" errors let the chain move on, others (a malformed tenant,
 * an unusable certificate in the environment) stop it, as real misconfigurations.
 *
 * @param probe - probe IMDS before the first managed-identity request (not when chosen alone).
 */
export function createMembers(
  names: readonly DefaultChainMember[],
  options: MemberOptions,
  probe: boolean,
): TokenCredential[] {
  return names.map((name) => {
    try {
      return create(name, options, probe);
    } catch (error) {
      return failed(error);
    }
  });
}
