import { TokenCache } from "../cache/token_cache.js";
import { normalizeScopes } from "../oauth/scopes.js";
import { checkTenantId } from "../oauth/tenant.js";
import type {
  AccessToken,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";
import { createLogger } from "../util/logger.js";

const NAME = "VisualStudioCodeCredential";

/** Options of {@link VisualStudioCodeCredential}. */
export interface VisualStudioCodeCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** The tenant to sign in to; default the account's. */
  tenantId?: string;
}

/**
 * Reuses the account signed in to Visual Studio Code's Azure extensions, where that can work
 * without a native module. VS Code now keeps the sign-in behind the operating system's
 * authentication broker and only records the account in
 * `~/.azure/ms-azuretools.vscode-azureresourcegroups/authRecord.json`; this credential reads that
 * record and VS Code's `azure.tenant`/`azure.cloud` settings, then gets a token silently from a
 * refresh token of that account that is reachable without the broker: the persistent token cache
 * (`~/.IdentityService`), or the deprecated Azure Account extension's Secret Service entry.
 * Otherwise it is unavailable, naming the account and the credential to use instead.
 */
export class VisualStudioCodeCredential implements TokenCredential {
  readonly #options: VisualStudioCodeCredentialOptions;
  readonly #tenantId: string | undefined;
  readonly #cache: TokenCache;

  /**
   * @param options - `tenantId` (default the `azure.tenant` setting, else the account's) and the
   *   common options.
   * @throws InvalidArgumentError for a malformed tenant id.
   */
  constructor(options: VisualStudioCodeCredentialOptions = {}) {
    if (options.tenantId !== undefined) checkTenantId(NAME, options.tenantId);
    this.#options = options;
    this.#tenantId = options.tenantId;
    const logger = createLogger(NAME, options.loggingOptions, options.env ?? process.env);
    this.#cache = new TokenCache({ logger });
  }

  /**
   * Gets a token for the account VS Code is signed in with.
   *
   * @throws CredentialUnavailableError when VS Code is not signed in, or no refresh token of its
   *   account is reachable without the broker (the message names the account and what to use).
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const list = normalizeScopes(NAME, scopes);
    // Held in memory like every credential's tokens: VS Code's files, a keyring tool and a
    // redemption only on a miss, and concurrent misses share them.
    const key = `${options.tenantId ?? ""}\n${[...list].sort().join(" ")}\n${options.enableCae === true}`;
    return this.#cache.get(
      key,
      async (signal) => {
        // Reading VS Code's sign-in and redeeming its refresh token load on the first miss.
        const { vsCodeToken } = await import("./visual_studio_code_fetch.js");
        return vsCodeToken(this.#options, this.#tenantId, list, {
          ...options,
          abortSignal: signal,
        });
      },
      {
        challenge: options.claims,
        abortMessage: `${NAME}: the operation was aborted.`,
        signal: options.abortSignal,
      },
    );
  }

  /** Drops the tokens held in memory. */
  async close(): Promise<void> {
    this.#cache.clear();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
