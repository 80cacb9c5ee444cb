import { CredentialUnavailableError, messageOf } from "../errors.js";
import {
  deserializeAuthenticationRecord,
  type AuthenticationRecord,
} from "../oauth/authentication_record.js";
import { refreshTokenGrant } from "../oauth/grants.js";
import { TokenClient } from "../oauth/token_client.js";
import { toAccessToken } from "../oauth/token_response.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { SharedTokenCacheCredential } from "./shared_token_cache_credential.js";
import type {
  VisualStudioCodeCredential,
  VisualStudioCodeCredentialOptions,
} from "./visual_studio_code_credential.js";

// Built-ins at first use: the CommonJS build bundles this module into the package's one file.
const join = (...parts: string[]) => process.getBuiltinModule("node:path").join(...parts);
const readFile = (path: string, encoding: "utf8") =>
  process.getBuiltinModule("node:fs/promises").readFile(path, encoding);

const NAME = "VisualStudioCodeCredential";
/** The application VS Code's Azure extensions sign in with. */
const VSCODE_CLIENT_ID = "aebc6443-996d-45c2-90f0-388ff96faa56";
const CLOUDS: Record<string, string> = {
  AzureCloud: "https://login.microsoftonline.com",
  AzureChinaCloud: "https://login.chinacloudapi.cn",
  AzureUSGovernment: "https://login.microsoftonline.us",
};

/** What VS Code says about its Azure sign-in. */
interface VsCodeSignIn {
  record?: AuthenticationRecord;
  tenant?: string;
  cloud: string;
}

function settingsPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === "win32") return join(env.APPDATA ?? home, "Code", "User", "settings.json");
  if (platform === "darwin")
    return join(home, "Library", "Application Support", "Code", "User", "settings.json");
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), "Code", "User", "settings.json");
}

/** VS Code's settings.json allows comments and trailing commas; they are removed before parsing. */
function parseJsonc(text: string): Record<string, unknown> | undefined {
  const stripped = text
    .replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, str) => str ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  try {
    const value = JSON.parse(stripped);
    return value && typeof value === "object" && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

async function readSignIn(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): Promise<VsCodeSignIn> {
  const home = (platform === "win32" ? env.USERPROFILE : env.HOME) ?? "";
  const signIn: VsCodeSignIn = { cloud: "AzureCloud" };
  for (const dir of [".azure", ".Azure"]) {
    const path = join(home, dir, "ms-azuretools.vscode-azureresourcegroups", "authRecord.json");
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    try {
      signIn.record = deserializeAuthenticationRecord(text);
    } catch {
      // A record this package cannot read is as good as none; the message says so.
    }
    break;
  }
  const settings = parseJsonc(
    (await readFile(settingsPath(env, platform, home), "utf8").catch(() => "")) || "{}",
  );
  if (typeof settings?.["azure.tenant"] === "string" && settings["azure.tenant"])
    signIn.tenant = settings["azure.tenant"];
  if (typeof settings?.["azure.cloud"] === "string" && settings["azure.cloud"])
    signIn.cloud = settings["azure.cloud"];
  return signIn;
}

/**
 * Gets a token for the account VS Code is signed in with: through the shared token cache, else
 * the deprecated Azure Account extension's refresh token; what {@link VisualStudioCodeCredential}
 * runs on a miss of its in-memory cache.
 *
 * @param credentialOptions - the credential's options.
 * @param configuredTenant - the credential's `tenantId`, when given.
 * @param list - the normalized scopes.
 * @param options - the `getToken` options, `abortSignal` being the cache's.
 * @throws CredentialUnavailableError when no refresh token of VS Code's account is reachable.
 */
export async function vsCodeToken(
  credentialOptions: VisualStudioCodeCredentialOptions,
  configuredTenant: string | undefined,
  list: string[],
  options: GetTokenOptions,
): Promise<AccessToken> {
  const env = credentialOptions.env ?? process.env;
  const platform = credentialOptions.platform ?? process.platform;
  const signIn = await readSignIn(env, platform);
  const tenant = options.tenantId ?? configuredTenant ?? signIn.tenant ?? signIn.record?.tenantId;
  if (tenant === "adfs")
    throw new CredentialUnavailableError(`${NAME}: ADFS tenants are not supported.`);
  const authorityHost = credentialOptions.authorityHost ?? CLOUDS[signIn.cloud];
  if (!authorityHost)
    throw new CredentialUnavailableError(
      `${NAME}: the VS Code setting azure.cloud = ${JSON.stringify(signIn.cloud)} is not a known cloud (AzureCloud, AzureChinaCloud, AzureUSGovernment).`,
    );
  const common = { ...credentialOptions, authorityHost };
  const reasons: string[] = [];
  if (signIn.record) {
    const shared = new SharedTokenCacheCredential({
      ...common,
      authenticationRecord: signIn.record,
      clientId: signIn.record.clientId || VSCODE_CLIENT_ID,
      ...(tenant ? { tenantId: tenant } : {}),
    });
    try {
      return await shared.getToken(list, options);
    } catch (error) {
      if (!(error instanceof CredentialUnavailableError)) throw error;
      reasons.push(messageOf(error).replace(/^SharedTokenCacheCredential: /, ""));
    } finally {
      await shared.close();
    }
  }
  const { legacyRefreshToken } = await import("../cache/vscode_legacy_keyring.js");
  const legacy = await legacyRefreshToken(signIn.cloud, {
    env,
    platform,
    ...(credentialOptions.spawn ? { spawn: credentialOptions.spawn } : {}),
  });
  if (legacy) {
    const client = new TokenClient(NAME, tenant ?? "", VSCODE_CLIENT_ID, { kind: "none" }, common);
    try {
      const result = await client.request(
        tenant || "organizations",
        refreshTokenGrant(list, legacy),
        {
          ...(options.abortSignal ? { signal: options.abortSignal } : {}),
        },
      );
      return toAccessToken(result);
    } catch (error) {
      throw new CredentialUnavailableError(
        `${NAME}: the refresh token of the Azure Account extension was refused; sign in again, or use AzureCliCredential. (${messageOf(error)})`,
        { cause: error },
      );
    } finally {
      client.close();
    }
  }
  throw new CredentialUnavailableError(unavailable(signIn, tenant, reasons));
}

function unavailable(signIn: VsCodeSignIn, tenant: string | undefined, reasons: string[]): string {
  const instead =
    "Use AzureCliCredential (run `az login`), or InteractiveBrowserCredential with tokenCachePersistenceOptions (and the authenticationRecord) to sign in once and stay signed in.";
  if (!signIn.record)
    return `${NAME}: Visual Studio Code has no Azure sign-in this package can read (no ~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json, no Azure Account extension token). ${instead}`;
  const who = `${signIn.record.username || signIn.record.homeAccountId} (tenant ${tenant ?? signIn.record.tenantId})`;
  return `${NAME}: Visual Studio Code is signed in as ${who}, but its tokens are held by the operating system's authentication broker, which needs a native module; no refresh token of that account was found elsewhere${reasons.length ? ` (${reasons.join("; ")})` : ""}. ${instead}`;
}
