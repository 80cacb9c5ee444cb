/**
 * Which credentials `DefaultAzureCredential` tries, in which order: the default order narrowed by
 * `AZURE_TOKEN_CREDENTIALS` and the `exclude…Credential` options (pure).
 *
 * @module
 */
import { CredentialUnavailableError, InvalidArgumentError } from "../errors.js";

/** The members of the default chain, by credential class name, in order. */
export const DEFAULT_CHAIN = [
  "EnvironmentCredential",
  "WorkloadIdentityCredential",
  "GitHubActionsCredential",
  "ManagedIdentityCredential",
  "SharedTokenCacheCredential",
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
  "InteractiveBrowserCredential",
] as const;

/** One member of the default chain. */
export type DefaultChainMember = (typeof DEFAULT_CHAIN)[number];

/**
 * Members in the chain only when asked for: by name in `AZURE_TOKEN_CREDENTIALS`, or with their
 * exclude option set to `false`. VS Code's sign-in is behind a native broker this package cannot
 * use, so its credential would mostly fail; it joins only when opted in.
 */
export const OPT_IN: ReadonlySet<DefaultChainMember> = new Set(["VisualStudioCodeCredential"]);

const PROD = DEFAULT_CHAIN.slice(0, 4);
const DEV = DEFAULT_CHAIN.slice(4);
const SELECTABLE: readonly DefaultChainMember[] = DEFAULT_CHAIN.filter(
  (name) => name !== "SharedTokenCacheCredential" && name !== "InteractiveBrowserCredential",
);

/** The names of the environment variables `requiredEnvVars` may list. */
export type DefaultAzureCredentialEnvVars =
  | "AZURE_TOKEN_CREDENTIALS"
  | "AZURE_CLIENT_ID"
  | "AZURE_TENANT_ID"
  | "AZURE_CLIENT_SECRET"
  | "AZURE_CLIENT_CERTIFICATE_PATH"
  | "AZURE_CLIENT_CERTIFICATE_PASSWORD"
  | "AZURE_ADDITIONALLY_ALLOWED_TENANTS"
  | "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN"
  | "AZURE_FEDERATED_TOKEN_FILE";

/** The `exclude…Credential` options: `true` drops that member from the chain. */
export interface ExcludeFlags {
  /** Do not try `EnvironmentCredential`. */
  excludeEnvironmentCredential?: boolean;
  /** Do not try `WorkloadIdentityCredential`. */
  excludeWorkloadIdentityCredential?: boolean;
  /** Do not try `GitHubActionsCredential` (an entra-zero addition, in the chain only when its variables are set). */
  excludeGitHubActionsCredential?: boolean;
  /** Do not try `ManagedIdentityCredential` (and so never probe IMDS). */
  excludeManagedIdentityCredential?: boolean;
  /** `true` drops `SharedTokenCacheCredential` (tried after managed identity). */
  excludeSharedTokenCacheCredential?: boolean;
  /** `false` adds `VisualStudioCodeCredential`, which is left out unless asked for. */
  excludeVisualStudioCodeCredential?: boolean;
  /** Do not try `AzureCliCredential`. */
  excludeAzureCliCredential?: boolean;
  /** Do not try `AzurePowerShellCredential`. */
  excludeAzurePowerShellCredential?: boolean;
  /** Do not try `AzureDeveloperCliCredential`. */
  excludeAzureDeveloperCliCredential?: boolean;
  /** Default `true`: `InteractiveBrowserCredential` (the system browser) is the chain's last resort only when this is `false`. */
  excludeInteractiveBrowserCredential?: boolean;
}

/** Whether the environment holds what `GitHubActionsCredential` needs (its chain condition). */
export function isGitHubActionsConfigured(env: NodeJS.ProcessEnv): boolean {
  const names = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
  return [...names, "AZURE_CLIENT_ID", "AZURE_TENANT_ID"].every((name) => !!env[name]);
}

/** The outcome of selection. */
export interface Selection {
  members: DefaultChainMember[];
  /** `AZURE_TOKEN_CREDENTIALS` named exactly one credential: it runs alone (managed identity without the IMDS probe). */
  single: boolean;
}

/**
 * Reads `AZURE_TOKEN_CREDENTIALS` (`dev`, `prod` or one credential name, case-insensitive; empty
 * means unset) and applies the exclude options. `GitHubActionsCredential` joins the chain only
 * when `githubActions` (its variables are set) or when named alone.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for any other value of the variable.
 */
export function selectMembers(
  setting: string | undefined,
  exclude: ExcludeFlags,
  githubActions = false,
): Selection {
  const value = setting?.trim().toLowerCase() ?? "";
  let members: readonly DefaultChainMember[] = DEFAULT_CHAIN;
  let single = false;
  if (value === "prod") members = PROD;
  else if (value === "dev") members = DEV;
  else if (value) {
    const named = SELECTABLE.find((name) => name.toLowerCase() === value);
    if (!named) {
      throw new InvalidArgumentError(
        `DefaultAzureCredential: invalid value for AZURE_TOKEN_CREDENTIALS = ${JSON.stringify(setting)}. Valid values are "prod", "dev" or one of ${SELECTABLE.join(", ")} (case-insensitive).`,
      );
    }
    members = [named];
    single = true;
  }
  const excluded = (name: DefaultChainMember) =>
    name === "InteractiveBrowserCredential"
      ? exclude.excludeInteractiveBrowserCredential !== false
      : exclude[`exclude${name}`] === true;
  const absent = (name: DefaultChainMember) =>
    (OPT_IN.has(name) && exclude[`exclude${name}`] !== false) ||
    (name === "GitHubActionsCredential" && !githubActions);
  return {
    members: members.filter((name) => !excluded(name) && (single || !absent(name))),
    single,
  };
}

/**
 * Checks the variables listed in `requiredEnvVars` are set and non-empty.
 *
 * @throws CredentialUnavailableError naming every missing one.
 */
export function checkRequiredEnvVars(
  required: DefaultAzureCredentialEnvVars | DefaultAzureCredentialEnvVars[] | undefined,
  env: NodeJS.ProcessEnv,
): void {
  const list = required === undefined ? [] : Array.isArray(required) ? required : [required];
  const missing = list.filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CredentialUnavailableError(
      `DefaultAzureCredential: required environment variable(s) ${missing.join(", ")} not set or empty (listed in "requiredEnvVars").`,
    );
  }
}
