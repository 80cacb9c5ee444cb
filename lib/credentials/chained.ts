import {
  AggregateAuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";

const CONTINUE_ON = new Set(["CredentialUnavailableError", "AuthenticationRequiredError"]);

/** Whether a chain may move past this error to its next source. */
export function isChainContinuable(error: unknown): boolean {
  return error instanceof Error && CONTINUE_ON.has(error.name);
}

/**
 * Tries several credentials in order and returns the first token. A source that throws
 * `CredentialUnavailableError` or `AuthenticationRequiredError` (matched by `name`) or returns
 * `null` is passed over; any other error stops the chain.
 *
 * @example
 * ```ts
 * const credential = new ChainedTokenCredential(new ManagedIdentityCredential(), new AzureCliCredential());
 * ```
 */
export class ChainedTokenCredential implements TokenCredential {
  readonly #sources: TokenCredential[];

  /**
   * @param sources - the credentials to try, in order.
   * @throws TypeError (`ERR_INVALID_ARG_TYPE`) when a source has no `getToken` method.
   */
  constructor(...sources: TokenCredential[]) {
    sources.forEach((source, index) => {
      if (typeof (source as Partial<TokenCredential> | null)?.getToken !== "function") {
        throw new InvalidArgumentError(
          `ChainedTokenCredential: source ${index} is not a credential (it has no getToken method).`,
          "ERR_INVALID_ARG_TYPE",
        );
      }
    });
    this.#sources = sources;
  }

  /**
   * Returns the first token a source produces.
   *
   * @throws AggregateAuthenticationError (`ERR_AGGREGATE`) listing every source's reason when none could.
   * @throws the first error that is not "unavailable", as it is.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const errors: unknown[] = [];
    for (const source of this.#sources) {
      let token: AccessToken | null;
      try {
        token = await source.getToken(scopes, options);
      } catch (error) {
        if (!isChainContinuable(error)) throw error;
        errors.push(error);
        continue;
      }
      if (token) return token;
    }
    if (errors.length === 0) {
      throw new CredentialUnavailableError(
        "ChainedTokenCredential: no source credential returned a token.",
      );
    }
    throw new AggregateAuthenticationError(errors, "ChainedTokenCredential authentication failed.");
  }

  /** Closes every source that can be closed. */
  async close(): Promise<void> {
    await Promise.all(
      this.#sources.map((source) => (source as { close?: () => unknown }).close?.()),
    );
  }

  /** Same as {@link ChainedTokenCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
