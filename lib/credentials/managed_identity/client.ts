/**
 * The `getToken` path of managed identity: one scope → resource, cache with single flight, the
 * IMDS probe (inside `DefaultAzureCredential` only), the request with the managed-identity retry
 * policy, the Azure Arc challenge, and the reply check.
 *
 * @module
 */
import {
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../../errors.js";
import { TokenCache } from "../../cache/token_cache.js";
import type { ResolvedRetryOptions } from "../../http/retry.js";
import { CERT_MISMATCH_CODE, createPinnedAgent } from "../../http/pinned_agent.js";
import {
  createTransport,
  isTransientTransportError,
  type HttpRequest,
  type HttpResponse,
  type Transport,
} from "../../http/transport.js";
import { DEFAULT_TIMEOUT_MS } from "../../oauth/token_client.js";
import { normalizeScopes, scopeToResource } from "../../oauth/scopes.js";
import type { AbortSignalLike, AccessToken, GetTokenOptions } from "../../types.js";
import type { CredentialLogger } from "../../util/logger.js";
import { checkArcKeyPath, parseArcChallenge, readArcKey } from "./azure_arc.js";
import { parseManagedIdentityResponse } from "./response.js";
import { sendWithManagedIdentityRetry } from "./retry.js";
import type { ManagedIdentitySource } from "./types.js";

/** The default timeout of the IMDS probe. */
export const IMDS_PROBE_TIMEOUT_MS = 1000;

/** Settings of a {@link ManagedIdentityClient}. */
export interface ManagedIdentityClientOptions {
  credentialName: string;
  source: ManagedIdentitySource;
  userAssigned: boolean;
  retry: ResolvedRetryOptions;
  /** Probe IMDS (1 s, no retry) before the first request; `DefaultAzureCredential` only. */
  probe: boolean;
  logger: CredentialLogger;
  now: () => number;
  userAgentPrefix?: string;
}

function isPinMismatch(error: unknown): boolean {
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === CERT_MISMATCH_CODE;
}

/** Gets tokens from one detected managed-identity source. */
export class ManagedIdentityClient {
  readonly #options: ManagedIdentityClientOptions;
  readonly #transport: Transport;
  readonly #cache: TokenCache;
  #imdsAvailable = false;

  constructor(options: ManagedIdentityClientOptions) {
    this.#options = options;
    const pin = options.source.serverThumbprint;
    // Managed-identity endpoints are local to the host: plain http is expected and no proxy applies.
    this.#transport = createTransport({
      credentialName: options.credentialName,
      allowInsecureHttp: true,
      ...(pin ? { httpsAgent: createPinnedAgent(pin) } : {}),
      ...(options.userAgentPrefix ? { userAgentPrefix: options.userAgentPrefix } : {}),
    });
    this.#cache = new TokenCache({ now: options.now, logger: options.logger });
  }

  /**
   * Gets a token for one scope (a trailing `/.default` is removed to form the resource).
   *
   * @throws InvalidArgumentError when not exactly one scope is given.
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const { credentialName: name, logger } = this.#options;
    const list = normalizeScopes(name, scopes);
    if (list.length !== 1) {
      throw new InvalidArgumentError(
        `${name}: managed identity issues a token for one resource at a time, but ${list.length} scopes were given. Call getToken once per resource.`,
      );
    }
    const resource = scopeToResource(list[0]!);
    const timeoutMs = options.requestOptions?.timeout ?? DEFAULT_TIMEOUT_MS;
    try {
      const token = await this.#cache.get(
        resource,
        (signal) => this.#fetch(resource, timeoutMs, signal, options.requestOptions?.timeout),
        {
          abortMessage: `${name}: the operation was aborted.`,
          ...(options.abortSignal ? { signal: options.abortSignal } : {}),
        },
      );
      logger.info(
        `getToken succeeded source=${this.#options.source.displayName} resource=${resource}`,
      );
      return token;
    } catch (error) {
      logger.error(`getToken failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  async #fetch(
    resource: string,
    timeoutMs: number,
    signal: AbortSignalLike,
    probeTimeout: number | undefined,
  ): Promise<AccessToken> {
    const { source, credentialName, userAssigned } = this.#options;
    if (this.#options.probe && source.probeUrl && !this.#imdsAvailable) {
      await this.#probe(source.probeUrl, probeTimeout ?? IMDS_PROBE_TIMEOUT_MS, signal);
    }
    const built = source.request(resource);
    const request: HttpRequest = { ...built, timeoutMs, signal };
    const requestStartMs = this.#options.now();
    let response = await this.#send(request);
    if (source.kind === "azureArc" && response.status === 401) {
      const keyPath = checkArcKeyPath(
        credentialName,
        parseArcChallenge(credentialName, response),
        source.arcKeyDirectory,
      );
      const key = await readArcKey(credentialName, keyPath);
      response = await this.#send({
        ...request,
        headers: { ...request.headers, Authorization: `Basic ${key}` },
      });
    }
    const result = parseManagedIdentityResponse(response, {
      credentialName,
      sourceName: source.displayName,
      requestStartMs,
      userAssigned,
    });
    const token: AccessToken = {
      token: result.accessToken,
      expiresOnTimestamp: result.expiresOnTimestamp,
      tokenType: "Bearer",
    };
    if (result.refreshAfterTimestamp !== undefined)
      token.refreshAfterTimestamp = result.refreshAfterTimestamp;
    return token;
  }

  async #send(request: HttpRequest): Promise<HttpResponse> {
    const { credentialName: name, source, retry } = this.#options;
    try {
      return await sendWithManagedIdentityRetry(
        this.#transport,
        request,
        retry,
        name,
        (error) => isTransientTransportError(error) && !isPinMismatch(error),
      );
    } catch (error) {
      if (isPinMismatch(error)) {
        const detail = (error as { cause: Error }).cause.message;
        throw new AuthenticationError(0, null, {
          credentialName: name,
          code: "ERR_SERVER_CERT_MISMATCH",
          message: `${source.displayName}: ${detail} (IDENTITY_SERVER_THUMBPRINT); nothing was sent to the endpoint.`,
          cause: error,
        });
      }
      if (isTransientTransportError(error)) {
        const detail =
          error instanceof Error ? error.message.replace(`${name}: `, "") : String(error);
        throw new CredentialUnavailableError(
          `${name}: no response from the ${source.displayName} endpoint: ${detail}`,
          {
            code: (error as { code: string }).code,
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async #probe(url: string, timeoutMs: number, signal: AbortSignalLike): Promise<void> {
    const name = this.#options.credentialName;
    let response: HttpResponse;
    try {
      // No query and no Metadata header: IMDS answers at once with an error, pod identity ignores it.
      response = await this.#transport.send({ method: "GET", url, timeoutMs, signal });
    } catch (error) {
      if ((error as { name?: unknown }).name === "AbortError") throw error;
      throw new CredentialUnavailableError(
        `${name}: the IMDS endpoint is not available (no response to a ${timeoutMs} ms probe), so this is not an Azure VM or the identity endpoint is blocked.`,
        {
          code: "ERR_IMDS_UNAVAILABLE",
          cause: error,
        },
      );
    }
    if (response.status === 403 && /unreachable/i.test(response.body.toString("utf8"))) {
      throw new CredentialUnavailableError(
        `${name}: the IMDS endpoint is unreachable from here (HTTP 403 from a proxy, as Docker Desktop answers).`,
        { code: "ERR_IMDS_UNAVAILABLE" },
      );
    }
    this.#imdsAvailable = true;
  }

  /** Drops cached tokens and releases sockets. */
  close(): void {
    this.#cache.clear();
    this.#transport.close();
  }
}
