import { InvalidArgumentError } from "../errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";

/** How a named chain (`DefaultAzureCredential`) reports and remembers; internal. */
export interface ChainBehaviour {
  /** The name of each source, for log lines. */
  sourceNames: readonly string[];
  logger: CredentialLogger;
  /** The first line of the error when no source could give a token. */
  failureMessage: string;
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
  #behaviour: ChainBehaviour | undefined;
  #selected: TokenCredential | undefined;

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
   * Names the chain, logs its decisions, and makes it sticky: once a source has returned a token,
   * later calls go to it directly (as `DefaultAzureCredential` does).
   *
   * @internal
   */
  protected nameChain(behaviour: ChainBehaviour): void {
    this.#behaviour = behaviour;
  }

  /**
   * Returns the first token a source produces.
   *
   * @throws AggregateAuthenticationError (`ERR_AGGREGATE`) listing every source's reason when none could.
   * @throws the first error that is not "unavailable", as it is.
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#selected) return (await this.#selected.getToken(scopes, options))!;
    // The pass over the sources loads at the first call; a chosen source is called directly.
    const { firstToken } = await import("./chain_attempt.js");
    const [token, source] = await firstToken(this.#sources, this.#behaviour, scopes, options);
    if (this.#behaviour) this.#selected = source;
    return token;
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
