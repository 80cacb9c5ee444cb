import {
  AggregateAuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
  messageOf,
} from "../errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";

const CONTINUE_ON = new Set(["CredentialUnavailableError", "AuthenticationRequiredError"]);

function isChainContinuable(error: unknown): boolean {
  return error instanceof Error && CONTINUE_ON.has(error.name);
}

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
    const chain = this.#behaviour;
    const errors: unknown[] = [];
    for (const [index, source] of this.#sources.entries()) {
      const sourceName = chain?.sourceNames[index] ?? "";
      chain?.logger.verbose(`trying ${sourceName}`);
      let token: AccessToken | null;
      try {
        token = await source.getToken(scopes, options);
      } catch (error) {
        if (!isChainContinuable(error)) {
          chain?.logger.error(`${sourceName} failed and stopped the chain: ${messageOf(error)}`);
          throw error;
        }
        errors.push(error);
        continue;
      }
      if (token) {
        if (chain) {
          this.#selected = source;
          chain.logger.info(`getToken succeeded with ${sourceName}; later calls use it directly`);
        }
        return token;
      }
    }
    if (!chain && errors.length === 0) {
      throw new CredentialUnavailableError(
        "ChainedTokenCredential: no source credential returned a token.",
      );
    }
    const failure = new AggregateAuthenticationError(
      errors,
      chain?.failureMessage ?? "ChainedTokenCredential authentication failed.",
    );
    chain?.logger.error(failure.message);
    throw failure;
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
