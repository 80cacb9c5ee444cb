/**
 * Builds the members of `DefaultAzureCredential`'s chain from its options. A member that cannot be
 * constructed becomes a stand-in that reports why; developer tools have their failures downgraded
 * to "unavailable" so the chain moves on.
 *
 * @module
 */
import { AuthenticationError, CredentialUnavailableError } from "../errors.js";
import type { Spawner } from "../process/run.js";
import type {
  AccessToken,
  AuthorityValidationOptions,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { AzureCliCredential } from "./azure_cli.js";
import { AzureDeveloperCliCredential } from "./azure_developer_cli.js";
import { AzurePowerShellCredential } from "./azure_powershell.js";
import type { DefaultChainMember } from "./default_selection.js";
import { EnvironmentCredential } from "./environment.js";
import { InteractiveBrowserCredential } from "./interactive_browser_credential.js";
import {
  ManagedIdentityCredential,
  type ManagedIdentityInternalOptions,
} from "./managed_identity.js";
import { WorkloadIdentityCredential } from "./workload_identity.js";

/** A credential that may be closed. */
export type ClosableCredential = TokenCredential & { close?: () => Promise<void> | void };

/** A member of the chain with its name. */
export interface ChainMember {
  name: DefaultChainMember;
  credential: ClosableCredential;
}

/** What the factories need: the DAC options, flattened, plus the internal seams. */
export interface MemberSettings
  extends
    MultiTenantTokenCredentialOptions,
    AuthorityValidationOptions,
    ManagedIdentityInternalOptions {
  tenantId?: string;
  managedIdentityClientId?: string;
  managedIdentityResourceId?: string;
  workloadIdentityClientId?: string;
  processTimeoutInMs?: number;
  /** @internal Replaces `child_process.spawn` for the developer tools. */
  spawn?: Spawner;
  /** Probe IMDS before the first managed-identity request (false when chosen alone by AZURE_TOKEN_CREDENTIALS). */
  probeImds: boolean;
}

/** Stands in for a member whose constructor threw: `getToken` throws that error. */
function failed(error: unknown): ClosableCredential {
  return { getToken: () => Promise.reject(error) };
}

/** Developer-tool failures (`AuthenticationError`) become `CredentialUnavailableError` with the same message and code. */
function downgraded(credential: ClosableCredential): ClosableCredential {
  return {
    async getToken(
      scopes: string | string[],
      options?: GetTokenOptions,
    ): Promise<AccessToken | null> {
      try {
        return await credential.getToken(scopes, options);
      } catch (error) {
        if (error instanceof AuthenticationError)
          throw new CredentialUnavailableError(error.message, { code: error.code, cause: error });
        throw error;
      }
    },
    close: () => credential.close?.(),
  };
}

function common(
  settings: MemberSettings,
): MultiTenantTokenCredentialOptions & AuthorityValidationOptions & ManagedIdentityInternalOptions {
  const {
    authorityHost,
    retryOptions,
    tlsOptions,
    loggingOptions,
    userAgentOptions,
    additionallyAllowedTenants,
    disableInstanceDiscovery,
    env,
    now,
    instanceDiscoveryHost,
  } = settings;
  return Object.fromEntries(
    Object.entries({
      authorityHost,
      retryOptions,
      tlsOptions,
      loggingOptions,
      userAgentOptions,
      additionallyAllowedTenants,
      disableInstanceDiscovery,
      env,
      now,
      instanceDiscoveryHost,
    }).filter(([, v]) => v !== undefined),
  );
}

function create(
  name: DefaultChainMember,
  settings: MemberSettings,
): ClosableCredential | undefined {
  const env = settings.env ?? process.env;
  const base = common(settings);
  const clientId = settings.managedIdentityClientId ?? env.AZURE_CLIENT_ID;
  const tools = {
    ...(settings.tenantId !== undefined ? { tenantId: settings.tenantId } : {}),
    ...(settings.processTimeoutInMs !== undefined
      ? { processTimeoutInMs: settings.processTimeoutInMs }
      : {}),
    ...(settings.additionallyAllowedTenants
      ? { additionallyAllowedTenants: settings.additionallyAllowedTenants }
      : {}),
    ...(settings.loggingOptions ? { loggingOptions: settings.loggingOptions } : {}),
    ...(settings.env ? { env: settings.env } : {}),
    ...(settings.spawn ? { spawn: settings.spawn } : {}),
  };
  switch (name) {
    case "EnvironmentCredential":
      return new EnvironmentCredential(base);
    case "WorkloadIdentityCredential": {
      const workloadClientId = settings.workloadIdentityClientId ?? clientId;
      const tenantId = settings.tenantId ?? env.AZURE_TENANT_ID;
      return new WorkloadIdentityCredential({
        ...base,
        ...(workloadClientId ? { clientId: workloadClientId } : {}),
        ...(tenantId ? { tenantId } : {}),
      });
    }
    case "ManagedIdentityCredential": {
      const mi = {
        ...base,
        sendProbeRequest: settings.probeImds,
        ...pick(settings, ["imdsHost", "arcKeyDirectory", "platform"]),
      };
      if (settings.managedIdentityResourceId)
        return new ManagedIdentityCredential({
          ...mi,
          resourceId: settings.managedIdentityResourceId,
        });
      return new ManagedIdentityCredential({ ...mi, ...(clientId ? { clientId } : {}) });
    }
    case "AzureCliCredential":
      return downgraded(new AzureCliCredential(tools));
    case "AzurePowerShellCredential":
      return downgraded(new AzurePowerShellCredential(tools));
    case "AzureDeveloperCliCredential":
      return downgraded(new AzureDeveloperCliCredential(tools));
    case "InteractiveBrowserCredential":
      return new InteractiveBrowserCredential({
        ...base,
        ...(settings.tenantId !== undefined ? { tenantId: settings.tenantId } : {}),
      });
    case "SharedTokenCacheCredential":
    case "VisualStudioCodeCredential":
      return failed(
        new CredentialUnavailableError(`${name}: not available in this version of entra-zero.`),
      );
  }
}

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    keys.filter((k) => source[k] !== undefined).map((k) => [k, source[k]]),
  ) as Partial<Pick<T, K>>;
}

/**
 * Builds each named member. A constructor that throws is replaced by a stand-in throwing the same
 * error from `getToken`: "unavailable" errors let the chain move on, others (a malformed tenant,
 * an unusable certificate in the environment) stop it, as real misconfigurations.
 */
export function createMembers(
  names: readonly DefaultChainMember[],
  settings: MemberSettings,
): ChainMember[] {
  return names.map((name) => {
    try {
      return { name, credential: create(name, settings)! };
    } catch (error) {
      return { name, credential: failed(error) };
    }
  });
}
