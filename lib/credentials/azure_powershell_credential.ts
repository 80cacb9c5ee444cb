/**
 * `AzurePowerShellCredential`: the token of the account signed in with `Connect-AzAccount`.
 *
 * @module
 */
import { scopeToResource } from "../oauth/scopes.js";
import { checkCliScopes } from "../process/cli_arguments.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { DeveloperToolCredential, type DeveloperToolCredentialOptions } from "./developer_tool.js";

const NAME = "AzurePowerShellCredential";

/** Options of {@link AzurePowerShellCredential}. */
export type AzurePowerShellCredentialOptions = DeveloperToolCredentialOptions;

/**
 * Gets tokens by running `pwsh -NoProfile -NonInteractive -EncodedCommand <fixed script>` (on
 * Windows, `powershell` when `pwsh` is absent). The resource and tenant reach the script through
 * environment variables, never through its text. Needs Az.Accounts ≥ 2.2.0. No caching.
 *
 * @see https://learn.microsoft.com/powershell/module/az.accounts/get-azaccesstoken
 */
export class AzurePowerShellCredential extends DeveloperToolCredential {
  protected readonly notInstalledMessage =
    "PowerShell could not be found. Install PowerShell 7 ('pwsh') from https://aka.ms/powershell.";

  /**
   * @param options - tenant, process timeout (default 10 000 ms) and additionally allowed tenants.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a bad `tenantId` or `processTimeoutInMs`.
   */
  constructor(options: AzurePowerShellCredentialOptions = {}) {
    super(NAME, options);
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
    const [scope] = checkCliScopes(NAME, scopes, true);
    const tenant = this.tenantFor(options);
    this.refuseClaims(
      options.claims,
      " in PowerShell",
      (challenge) =>
        `Connect-AzAccount -ClaimsChallenge ${challenge}${tenant ? ` -Tenant ${tenant}` : ""}`,
    );
    const resource = scopeToResource(scope);
    try {
      return await this.runOnce("pwsh", resource, tenant, options);
    } catch (error) {
      if (process.platform !== "win32" || !this.isNotInstalled(error)) throw error;
      return this.runOnce("powershell", resource, tenant, options);
    }
  }

  private async runOnce(
    program: string,
    resource: string,
    tenant: string,
    options: GetTokenOptions,
  ): Promise<AccessToken> {
    const [script, reply] = await Promise.all([
      import("../process/powershell_script.js"),
      import("./developer_tool_reply.js"),
    ]);
    const { argv, env } = script.powerShellInvocation(program, resource, tenant);
    const result = await this.run(argv, env, options);
    return reply.readPowerShellReply(this.context(), result, program);
  }
}
