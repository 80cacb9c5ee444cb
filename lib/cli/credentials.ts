/**
 * `entra-token`'s credentials by name, and the token request of each: interactive ones
 * (device code, browser) use the persistent token cache and keep the signed-in account's
 * authentication record, so a second run is silent once the cache holds a refresh token.
 *
 * @module
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  GitHubActionsCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  WorkloadIdentityCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  type AccessToken,
  type AuthenticationRecord,
  type GetTokenOptions,
  type TokenCredential,
  useIdentityPlugin,
} from "../index.js";
import { cachePersistencePlugin } from "../persistence.js";
import { DEVELOPER_SIGN_ON_CLIENT_ID } from "../credentials/user_credential_base.js";
import { readRegularFile } from "../util/read_file.js";
import type { TokenCommand } from "./arguments.js";

const RECORD_FILE = "entra-token.record.json";

/** Where the signed-in account's record is kept: `~/.IdentityService/entra-token.record.json` (0600). */
export function recordPath(env: NodeJS.ProcessEnv): string {
  return join(env.HOME || env.USERPROFILE || homedir(), ".IdentityService", RECORD_FILE);
}

/** The stored record when it belongs to this app (and tenant, when one is asked for); else none. */
function loadRecord(path: string, clientId: string, tenantId?: string) {
  try {
    const text = readRegularFile(path, 64 * 1024, (detail) => new Error(detail), true);
    const record = deserializeAuthenticationRecord(text.toString("utf8"));
    const matches = record.clientId === clientId && (!tenantId || record.tenantId === tenantId);
    return matches ? record : undefined;
  } catch {
    return undefined; // absent, unreadable or corrupt: sign in again
  }
}

/** Writes the record 0600 in a 0700 directory, replacing the old one atomically. */
function saveRecord(path: string, record: AuthenticationRecord): void {
  const dir = join(path, "..");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, serializeAuthenticationRecord(record), { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Where the interactive credentials talk to the user: stderr, so stdout stays the token alone. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** Writes a line for the user (the device-code prompt). */
  say(line: string): void;
}

/** A credential and how to get this command's token from it. */
export interface CliCredential {
  getToken(options: GetTokenOptions): Promise<AccessToken>;
  close(): Promise<void>;
}

function plain(credential: TokenCredential, scopes: string[]): CliCredential {
  const closable = credential as TokenCredential & { close?(): Promise<void> };
  return {
    getToken: async (options) => (await credential.getToken(scopes, options))!,
    close: async () => closable.close?.(),
  };
}

/** Device code or browser: silent with a stored record and a persisted refresh token. */
function interactive(command: TokenCommand, io: CliIo): CliCredential {
  const clientId = command.clientId ?? DEVELOPER_SIGN_ON_CLIENT_ID;
  const path = recordPath(io.env);
  const authenticationRecord = loadRecord(path, clientId, command.tenantId);
  const options = {
    disableInstanceDiscovery: command.disableInstanceDiscovery,
    tenantId: command.tenantId,
    clientId,
    env: io.env,
    authenticationRecord,
    tokenCachePersistenceOptions: { enabled: true },
  };
  const credential =
    command.credential === "device-code"
      ? new DeviceCodeCredential({ ...options, userPromptCallback: (info) => io.say(info.message) })
      : new InteractiveBrowserCredential(options);
  return {
    async getToken(getTokenOptions) {
      if (!authenticationRecord) {
        const record = await credential.authenticate(command.scopes, getTokenOptions);
        if (record) saveRecord(path, record);
      }
      return (await credential.getToken(command.scopes, getTokenOptions))!;
    },
    close: () => credential.close(),
  };
}

/**
 * Builds the credential `--credential` names, with `--tenant` and `--client-id` where they apply
 * (the argument parser already refused them where they do not).
 *
 * @throws the credential's own errors: `CredentialUnavailableError` when it is not configured here,
 *   `TypeError` (`ERR_INVALID_ARG_VALUE`) for a value it refuses.
 */
export function createCliCredential(command: TokenCommand, io: CliIo): CliCredential {
  // The command is an application: it wants the persistent cache (and the shared developer cache
  // for DefaultAzureCredential), so it registers the plugin a library user opts into.
  useIdentityPlugin(cachePersistencePlugin);
  const { tenantId, clientId, scopes } = command;
  const env = io.env;
  // `env` is this package's option for the environment read at construction.
  const base = { env, disableInstanceDiscovery: command.disableInstanceDiscovery } as object;
  switch (command.credential) {
    case "default":
      return plain(
        new DefaultAzureCredential({
          ...base,
          tenantId,
          managedIdentityClientId: clientId,
          workloadIdentityClientId: clientId,
        }),
        scopes,
      );
    case "environment":
      return plain(new EnvironmentCredential(base), scopes);
    case "workload":
      return plain(new WorkloadIdentityCredential({ ...base, tenantId, clientId }), scopes);
    case "github-actions":
      return plain(new GitHubActionsCredential({ ...base, tenantId, clientId }), scopes);
    case "managed-identity":
      return plain(new ManagedIdentityCredential({ ...base, clientId }), scopes);
    case "cli":
      return plain(new AzureCliCredential({ ...base, tenantId }), scopes);
    case "azd":
      return plain(new AzureDeveloperCliCredential({ ...base, tenantId }), scopes);
    case "powershell":
      return plain(new AzurePowerShellCredential({ ...base, tenantId }), scopes);
    case "device-code":
    case "browser":
      return interactive(command, io);
  }
}
