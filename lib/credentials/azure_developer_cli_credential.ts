/**
 * `AzureDeveloperCliCredential`: the token of the account signed in with `azd auth login`.
 *
 * @module
 */
import { checkCliScopes } from "../process/cli_arguments.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { DeveloperToolCredential, type DeveloperToolCredentialOptions } from "./developer_tool.js";

/** Options of {@link AzureDeveloperCliCredential}. */
export type AzureDeveloperCliCredentialOptions = DeveloperToolCredentialOptions;

/**
 * Gets tokens by running `azd auth token --output json --no-prompt --scope <scope>…
 * [--tenant-id <tenant>] [--claims <base64>]`. Every call runs `azd` (no caching).
 *
 * @see https://learn.microsoft.com/azure/developer/azure-developer-cli/reference#azd-auth-token
 */
export class AzureDeveloperCliCredential extends DeveloperToolCredential {
  protected readonly notInstalledMessage =
    "Azure Developer CLI could not be found. Install it from https://aka.ms/azure-dev, then sign in with 'azd auth login'.";

  /**
   * @param options - tenant, process timeout (default 10 000 ms) and additionally allowed tenants.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a bad `tenantId` or `processTimeoutInMs`.
   */
  constructor(options: AzureDeveloperCliCredentialOptions = {}) {
    super("AzureDeveloperCliCredential", options, true);
  }

  /**
   * Runs `azd` for a token for the given scopes (each passed as its own `--scope`).
   *
   * @param scopes - one or more scopes, passed unchanged.
   * @param options - `tenantId` (subject to `additionallyAllowedTenants`), `abortSignal`, `claims` (sent base64-encoded).
   * @returns the token with `tokenType` `"Bearer"`.
   * @throws InvalidArgumentError for a scope or tenant outside the allow-list; nothing is run.
   * @throws CredentialUnavailableError when `azd` is not installed, not logged in, or needs a fresh login (MFA).
   * @throws AuthenticationError `ERR_PROCESS_FAILED` (with azd's own error message), `ERR_PROCESS_OUTPUT`, `ERR_TIMEOUT` or `ERR_RESPONSE_TOO_LARGE`.
   * @throws AbortError (`ERR_ABORTED`) when `options.abortSignal` fires; `azd` is killed.
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const list = checkCliScopes("AzureDeveloperCliCredential", scopes);
    const tenant = this.tenantFor(options);
    const scopeArgs = list.flatMap((scope) => ["--scope", scope]);
    const argv = ["azd", "auth", "token", "--output", "json", "--no-prompt", ...scopeArgs];
    if (tenant) argv.push("--tenant-id", tenant);
    if (options.claims?.trim())
      argv.push("--claims", Buffer.from(options.claims, "utf8").toString("base64"));
    const result = await this.run(argv, { NO_COLOR: "true" }, options);
    const { readAzdReply } = await import("./developer_tool_reply.js");
    return readAzdReply(this.context(), result, scopeArgs);
  }
}
