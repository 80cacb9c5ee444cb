/**
 * `AzureCliCredential`: the token of the account signed in with `az login`.
 *
 * @module
 */
import { scopeToResource } from "../oauth/scopes.js";
import { checkCliScopes, checkSubscription } from "../process/cli_arguments.js";
import type { AccessToken, GetTokenOptions } from "../types.js";
import { DeveloperToolCredential, type DeveloperToolCredentialOptions } from "./developer_tool.js";

const NAME = "AzureCliCredential";

/** Options of {@link AzureCliCredential}. */
export interface AzureCliCredentialOptions extends DeveloperToolCredentialOptions {
  /** The subscription (id, or a name of letters, digits, spaces and `_ . -`) to get the token for. */
  subscription?: string;
}

/**
 * Gets tokens by running `az account get-access-token --output json --resource <resource>
 * [--tenant <tenant>] [--subscription <subscription>]`. Every call runs `az` (no caching), so the
 * token always reflects the current `az login`.
 *
 * @see https://learn.microsoft.com/cli/azure/account#az-account-get-access-token
 */
export class AzureCliCredential extends DeveloperToolCredential {
  private readonly subscription: string | undefined;

  protected readonly notInstalledMessage =
    "Azure CLI could not be found. Install it from https://aka.ms/azure-cli, then sign in with 'az login'.";

  /**
   * @param options - tenant, subscription, process timeout (default 10 000 ms) and additionally allowed tenants.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a bad `tenantId`, `subscription` or `processTimeoutInMs`.
   */
  constructor(options: AzureCliCredentialOptions = {}) {
    super(NAME, options, true);
    this.subscription = checkSubscription(NAME, options.subscription);
  }

  /**
   * Runs `az` for a token for one scope.
   *
   * @param scopes - exactly one scope; a trailing `/.default` is removed to form the resource.
   * @param options - `tenantId` (subject to `additionallyAllowedTenants`), `abortSignal`, `claims`.
   * @returns the token with `tokenType` `"Bearer"`.
   * @throws InvalidArgumentError for zero or several scopes, or a scope or tenant outside the allow-list; nothing is run.
   * @throws CredentialUnavailableError when `az` is not installed, not logged in, or `claims` were given (the message has the `az login` command to run).
   * @throws AuthenticationError `ERR_PROCESS_FAILED`, `ERR_PROCESS_OUTPUT`, `ERR_TIMEOUT` or `ERR_RESPONSE_TOO_LARGE`.
   * @throws AbortError (`ERR_ABORTED`) when `options.abortSignal` fires; `az` is killed.
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const [scope] = checkCliScopes(NAME, scopes, true);
    const tenant = this.tenantFor(options);
    this.refuseClaims(
      options.claims,
      "",
      (challenge) =>
        `az login --claims-challenge ${challenge} --scope ${scope}${tenant ? ` --tenant ${tenant}` : ""}`,
    );
    const argv = ["az", "account", "get-access-token", "--output", "json"];
    argv.push("--resource", scopeToResource(scope));
    if (tenant) argv.push("--tenant", tenant);
    if (this.subscription !== undefined) argv.push("--subscription", this.subscription);
    const result = await this.run(argv, { AZURE_CORE_NO_COLOR: "true" }, options);
    const { readAzureCliReply } = await import("./developer_tool_reply.js");
    return readAzureCliReply(this.context(), result);
  }
}
