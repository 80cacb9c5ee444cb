/**
 * `AzurePowerShellCredential`: the token of the account signed in with `Connect-AzAccount`.
 *
 * @module
 */
import { checkCliScopes, checkSingleScope } from "../process/cli_arguments.js";
import { parsePowerShellOutput, POWERSHELL_NO_MODULE_MARKER } from "../process/cli_output.js";
import {
  encodedPowerShellScript,
  POWERSHELL_RESOURCE_VARIABLE,
  POWERSHELL_TENANT_VARIABLE,
} from "../process/powershell_script.js";
import { decodeClixml, stripAnsi, summarizeOutput } from "../process/redact.js";
import { scopeToResource } from "../oauth/scopes.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import { DeveloperTool, type DeveloperToolCredentialOptions } from "./developer_tool.js";

const NAME = "AzurePowerShellCredential";
const NOT_INSTALLED =
  "PowerShell could not be found. Install PowerShell 7 ('pwsh') from https://aka.ms/powershell.";
const NOT_LOGGED_IN =
  "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential.";
const NO_MODULE =
  "the 'Az.Accounts' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: " +
  '"Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force".';

/** Options of {@link AzurePowerShellCredential}. */
export type AzurePowerShellCredentialOptions = DeveloperToolCredentialOptions;

/**
 * Gets tokens by running `pwsh -NoProfile -NonInteractive -EncodedCommand <fixed script>` (on
 * Windows, `powershell` when `pwsh` is absent). The resource and tenant reach the script through
 * environment variables, never through its text. Needs Az.Accounts ≥ 2.2.0. No caching.
 *
 * @see https://learn.microsoft.com/powershell/module/az.accounts/get-azaccesstoken
 */
export class AzurePowerShellCredential implements TokenCredential {
  private readonly tool: DeveloperTool;

  /**
   * @param options - tenant, process timeout (default 10 000 ms) and additionally allowed tenants.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a bad `tenantId` or `processTimeoutInMs`.
   */
  constructor(options: AzurePowerShellCredentialOptions = {}) {
    this.tool = new DeveloperTool({ credentialName: NAME, notInstalled: NOT_INSTALLED }, options);
  }

  /**
   * Runs PowerShell for a token for one scope.
   *
   * @param scopes - exactly one scope; a trailing `/.default` is removed to form the resource.
   * @param options - `tenantId` (subject to `additionallyAllowedTenants`), `abortSignal`, `claims`.
   * @returns the token with `tokenType` `"Bearer"`.
   * @throws InvalidArgumentError for zero or several scopes, or a scope or tenant outside the allow-list; nothing is run.
   * @throws CredentialUnavailableError when PowerShell or Az.Accounts is missing, nobody is signed in, or `claims` were given.
   * @throws AuthenticationError `ERR_PROCESS_FAILED`, `ERR_PROCESS_OUTPUT`, `ERR_TIMEOUT` or `ERR_RESPONSE_TOO_LARGE`.
   * @throws AbortError (`ERR_ABORTED`) when `options.abortSignal` fires; PowerShell is killed.
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const scope = checkSingleScope(NAME, checkCliScopes(NAME, scopes));
    const tenant = this.tool.tenantFor(options);
    if (options.claims?.trim()) {
      const challenge = Buffer.from(options.claims, "utf8").toString("base64");
      throw this.tool.unavailable(
        "this credential cannot answer a claims challenge. To authenticate with the required claims, run in PowerShell: " +
          `Connect-AzAccount -ClaimsChallenge ${challenge}${tenant ? ` -Tenant ${tenant}` : ""}`,
      );
    }
    const extraEnv = this.scriptEnvironment(scopeToResource(scope), tenant);
    const programs = process.platform === "win32" ? ["pwsh", "powershell"] : ["pwsh"];
    const args = ["-NoProfile", "-NonInteractive", "-EncodedCommand", encodedPowerShellScript()];
    for (const [index, program] of programs.entries()) {
      try {
        return await this.runOnce([program, ...args], extraEnv, options);
      } catch (error) {
        if (index === programs.length - 1 || !this.tool.isNotInstalled(error)) throw error;
      }
    }
    throw this.tool.notInstalled();
  }

  private scriptEnvironment(resource: string, tenant: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    // Windows matches variable names case-insensitively: clear any stale variant of ours.
    for (const key of Object.keys(this.tool.env())) {
      const upper = key.toUpperCase();
      if (upper === POWERSHELL_RESOURCE_VARIABLE || upper === POWERSHELL_TENANT_VARIABLE)
        env[key] = undefined;
    }
    env[POWERSHELL_RESOURCE_VARIABLE] = resource;
    if (tenant) env[POWERSHELL_TENANT_VARIABLE] = tenant;
    return env;
  }

  private async runOnce(
    argv: string[],
    extraEnv: NodeJS.ProcessEnv,
    options: GetTokenOptions,
  ): Promise<AccessToken> {
    const result = await this.tool.run(argv, extraEnv, options.abortSignal);
    const stderr = stripAnsi(decodeClixml(result.stderr));
    if (/Run Connect-AzAccount to login/i.test(stderr)) throw this.tool.unavailable(NOT_LOGGED_IN);
    if (
      result.stdout.includes(POWERSHELL_NO_MODULE_MARKER) ||
      /module 'Az\.Accounts'.*was not loaded/i.test(stderr)
    ) {
      throw this.tool.unavailable(NO_MODULE);
    }
    if (/is not recognized/.test(stderr) && result.exitCode !== 0) throw this.tool.notInstalled();
    if (/AuthorizationManager check failed/.test(stderr)) {
      throw this.tool.unavailable(
        "the PowerShell execution policy prevented the Az.Accounts module from loading.",
      );
    }
    if (result.exitCode !== 0) throw this.tool.exitFailure(argv[0] ?? "pwsh", result);
    const parsed = parsePowerShellOutput(result.stdout);
    if (!parsed.ok) {
      const detail = summarizeOutput(result.stderr, 300);
      throw this.tool.failure(
        "ERR_PROCESS_OUTPUT",
        `unexpected output from Get-AzAccessToken: ${parsed.reason}.${detail ? ` Stderr: ${detail}` : ""}`,
      );
    }
    return {
      token: parsed.value.token,
      expiresOnTimestamp: parsed.value.expiresOnTimestamp,
      tokenType: "Bearer",
    };
  }

  /** Stops any PowerShell process this credential is running. */
  async close(): Promise<void> {
    this.tool.abortAll();
  }

  /** Same as {@link AzurePowerShellCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
