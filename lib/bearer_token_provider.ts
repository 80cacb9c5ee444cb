import type { AccessToken, TracingContext, TokenCredential } from "./types.js";

/** Options of {@link getBearerTokenProvider}. */
export interface GetBearerTokenProviderOptions {
  /** Aborts each token request. */
  abortSignal?: AbortSignal;
  /** Accepted for compatibility; not used. */
  tracingOptions?: { tracingContext?: TracingContext };
}

const REFRESH_WINDOW_MS = 2 * 60 * 1000;

/**
 * Returns a function that yields a bearer token for fixed scopes, for clients (such as OpenAI's)
 * that take a token callback instead of a credential. The token is kept and renewed two minutes
 * before expiry or after its `refreshAfterTimestamp`; concurrent calls share one request.
 *
 * @example
 * ```ts
 * const getToken = getBearerTokenProvider(new DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default");
 * const headers = { Authorization: `Bearer ${await getToken()}` };
 * ```
 */
export function getBearerTokenProvider(
  credential: TokenCredential,
  scopes: string | string[],
  options: GetBearerTokenProviderOptions = {},
): () => Promise<string> {
  let current: AccessToken | undefined;
  let pending: Promise<AccessToken> | undefined;
  const refresh = () => {
    pending ??= credential
      .getToken(scopes, { abortSignal: options.abortSignal, enableCae: true })
      .then((token) => {
        if (!token) throw new Error("Failed to get access token");
        current = token;
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return async () => {
    const now = Date.now();
    if (!current || now >= current.expiresOnTimestamp - 1000) return (await refresh()).token;
    const dueAt = Math.min(
      current.refreshAfterTimestamp ?? Infinity,
      current.expiresOnTimestamp - REFRESH_WINDOW_MS,
    );
    if (now >= dueAt) refresh().catch(() => undefined);
    return current.token;
  };
}
