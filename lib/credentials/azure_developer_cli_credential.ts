/**
 * `AzureDeveloperCliCredential`: the token of the account signed in with `azd auth login`.
 *
 * @module
 */
import { checkCliScopes } from "../process/cli_arguments.js";
import { extractAzdErrorMessage, parseAzdOutput } from "../process/cli_output.js";
import { summarizeOutput } from "../process/redact.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import { DeveloperTool, type DeveloperToolCredentialOptions } from "./developer_tool.js";

const NAME = "AzureDeveloperCliCredential";
const NOT_INSTALLED =
  "Azure Developer CLI could not be found. Install it from https://aka.ms/azure-dev, then sign in with 'azd auth login'.";
const NOT_LOGGED_IN =
  "Please run 'azd auth login' from a command prompt to authenticate before using this credential.";
const NOT_LOGGED_IN_TEXT = /not logged in, run `azd (?:auth )?login` to login/;

/** Options of {@link AzureDeveloperCliCredential}. */
export type AzureDeveloperCliCredentialOptions = DeveloperToolCredentialOptions;

/**
 * Gets tokens by running `azd auth token --output json --no-prompt --scope <scope>…
 * [--tenant-id <tenant>] [--claims <base64>]`. Every call runs `azd` (no caching).
 *
 * @see https://learn.microsoft.com/azure/developer/azure-developer-cli/reference#azd-auth-token
 */
export class AzureDeveloperCliCredential implements TokenCredential {
  private readonly tool: DeveloperTool;

  /**
   * @param options - tenant, process timeout (default 10 000 ms) and additionally allowed tenants.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a bad `tenantId` or `processTimeoutInMs`.
   */
  constructor(options: AzureDeveloperCliCredentialOptions = {}) {
    this.tool = new DeveloperTool(
      { credentialName: NAME, notInstalled: NOT_INSTALLED, allowBatch: true },
      options,
    );
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
    const list = checkCliScopes(NAME, scopes);
    const tenant = this.tool.tenantFor(options);
    const argv = ["azd", "auth", "token", "--output", "json", "--no-prompt"];
    for (const scope of list) argv.push("--scope", scope);
    if (tenant) argv.push("--tenant-id", tenant);
    if (options.claims?.trim())
      argv.push("--claims", Buffer.from(options.claims, "utf8").toString("base64"));

    const result = await this.tool.run(argv, { NO_COLOR: "true" }, options.abortSignal);
    if (result.exitCode !== 0) {
      const message = extractAzdErrorMessage(result.stderr);
      if (/^'azd' is not recognized/.test(message.trim()) || /azd:.*not found/.test(message))
        throw this.tool.notInstalled();
      if (NOT_LOGGED_IN_TEXT.test(result.stderr) && !/AADSTS/.test(result.stderr))
        throw this.tool.unavailable(NOT_LOGGED_IN);
      if (/must use multi-factor authentication|reauthentication required/i.test(result.stderr)) {
        throw this.tool.unavailable(
          `the account needs a fresh sign-in. Run: azd auth login ${list.map((s) => `--scope ${s}`).join(" ")}`,
        );
      }
      throw this.tool.exitFailure("azd", result, message);
    }
    const parsed = parseAzdOutput(result.stdout);
    if (!parsed.ok) {
      const stderr = summarizeOutput(extractAzdErrorMessage(result.stderr), 300);
      throw this.tool.failure(
        "ERR_PROCESS_OUTPUT",
        `unexpected output from Azure Developer CLI: ${parsed.reason}.${stderr ? ` Stderr: ${stderr}` : ""}`,
      );
    }
    return {
      token: parsed.value.token,
      expiresOnTimestamp: parsed.value.expiresOnTimestamp,
      tokenType: "Bearer",
    };
  }

  /** Stops any `azd` process this credential is running. */
  async close(): Promise<void> {
    this.tool.abortAll();
  }

  /** Same as {@link AzureDeveloperCliCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
