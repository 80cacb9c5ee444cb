import { CredentialUnavailableError } from "../errors.js";
import type {
  AccessToken,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
  TokenCredential,
} from "../types.js";

/** Options of {@link VisualStudioCodeCredential}. */
export interface VisualStudioCodeCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** The tenant to sign in to; default the account's. */
  tenantId?: string;
}

/**
 * Would reuse the account signed in to Visual Studio Code's Azure Resources extension. That
 * sign-in lives in the extension's token cache, which this version cannot read yet, so the
 * credential always reports itself unavailable (and `DefaultAzureCredential` moves on).
 */
export class VisualStudioCodeCredential implements TokenCredential {
  /** @param _options - accepted for compatibility. */
  constructor(_options: VisualStudioCodeCredentialOptions = {}) {}

  /**
   * @throws CredentialUnavailableError always, saying which credential to use instead.
   */
  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    throw new CredentialUnavailableError(
      "VisualStudioCodeCredential: not available in this version of entra-zero (reading Visual Studio Code's sign-in needs the persistent token cache). Sign in with `az login` and use AzureCliCredential, or use DefaultAzureCredential.",
    );
  }

  /** Nothing to release; present like on every credential. */
  async close(): Promise<void> {}

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {}
}
