/**
 * One pass over a chain's sources, in order, until one returns a token: which errors let the chain
 * move on, what a named chain logs, and the error when no source could. Loaded at a chain's first
 * `getToken`.
 *
 * @module
 */
import { AggregateAuthenticationError, CredentialUnavailableError, messageOf } from "../errors.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../types.js";
import type { ChainBehaviour } from "./chained_token_credential.js";

const CONTINUE_ON = new Set(["CredentialUnavailableError", "AuthenticationRequiredError"]);

function isChainContinuable(error: unknown): boolean {
  return error instanceof Error && CONTINUE_ON.has(error.name);
}

/**
 * Asks each source in turn. A source that throws `CredentialUnavailableError` or
 * `AuthenticationRequiredError` (matched by `name`) or returns `null` is passed over.
 *
 * @param chain - the named chain's log and failure message, when the chain is named.
 * @returns the first token and the source that gave it.
 * @throws AggregateAuthenticationError (`ERR_AGGREGATE`) listing every source's reason when none could.
 * @throws CredentialUnavailableError for an unnamed chain whose sources all returned `null`.
 * @throws the first error that is not "unavailable", as it is.
 */
export async function firstToken(
  sources: readonly TokenCredential[],
  chain: ChainBehaviour | undefined,
  scopes: string | string[],
  options: GetTokenOptions | undefined,
): Promise<[AccessToken, TokenCredential]> {
  const errors: unknown[] = [];
  for (const [index, source] of sources.entries()) {
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
      chain?.logger.info(`getToken succeeded with ${sourceName}; later calls use it directly`);
      return [token, source];
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
