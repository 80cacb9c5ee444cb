/**
 * The `getToken` path of managed identity: one scope → resource, cache with single flight, the
 * IMDS probe (inside `DefaultAzureCredential` only), the request under the managed-identity retry
 * policy, the Azure Arc challenge, and the reply check.
 *
 * @module
 */
import { TokenCache } from "../../cache/token_cache.js";
import {
  CredentialUnavailableError,
  InvalidArgumentError,
  authenticationFailure,
  type IdentityErrorCode,
} from "../../errors.js";
import { CERT_MISMATCH_CODE, createPinnedAgent } from "../../http/pinned_agent.js";
import { resolveRetryOptions, sendWithRetry } from "../../http/retry.js";
import {
  createTransport,
  isTransientTransportError,
  type HttpRequest,
  type HttpResponse,
} from "../../http/transport.js";
import { normalizeScopes, scopeToResource } from "../../oauth/scopes.js";
import { DEFAULT_TIMEOUT_MS } from "../../oauth/token_client.js";
import type {
  AbortSignalLike,
  AccessToken,
  GetTokenOptions,
  TokenCredentialOptions,
} from "../../types.js";
import { createLogger, logOutcome } from "../../util/logger.js";
import { requestTimeout } from "../../util/timeout.js";
import { checkArcKeyPath, parseArcChallenge, readArcKey } from "./azure_arc.js";
import { parseManagedIdentityResponse } from "./response.js";
import { NAME, type ManagedIdentitySource } from "./sources.js";
import { tokenRequest } from "./token_request.js";

/**
 * The default timeout of the IMDS probe: IMDS answers a VM within milliseconds, while off Azure
 * the link-local address may swallow the connection, and `DefaultAzureCredential` must move on.
 */
const IMDS_PROBE_TIMEOUT_MS = 1000;

/** Gets tokens from one detected managed-identity source. */
export class ManagedIdentityClient {
  readonly #source: ManagedIdentitySource;
  readonly #userAssigned: boolean;
  readonly #options: TokenCredentialOptions;
  readonly #retry;
  readonly #logger;
  readonly #transport;
  readonly #cache;
  #imdsAvailable = false;

  /**
   * @param source - the detected source.
   * @param userAssigned - whether a user-assigned identity was asked for (it shapes messages).
   * @param options - the credential's options: retry, logging, user agent, and the seams `env`,
   *   `now` and `sendProbeRequest`.
   */
  constructor(
    source: ManagedIdentitySource,
    userAssigned: boolean,
    options: TokenCredentialOptions,
  ) {
    this.#source = source;
    this.#userAssigned = userAssigned;
    this.#options = options;
    this.#retry = resolveRetryOptions(NAME, options.retryOptions, "managedIdentity");
    this.#logger = createLogger(NAME, options.loggingOptions, options.env ?? process.env);
    // Managed-identity endpoints are local to the host: plain http is expected and no proxy applies.
    this.#transport = createTransport({
      credentialName: NAME,
      allowInsecureHttp: true,
      httpsAgent: source.serverThumbprint ? createPinnedAgent(source.serverThumbprint) : undefined,
      userAgentPrefix: options.userAgentOptions?.userAgentPrefix,
      logger: this.#logger,
    });
    this.#cache = new TokenCache({ now: options.now, logger: this.#logger });
  }

  /**
   * Gets a token for one scope (a trailing `/.default` is removed to form the resource).
   *
   * @throws InvalidArgumentError when not exactly one scope is given, or for a bad `requestOptions.timeout`.
   */
  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const list = normalizeScopes(NAME, scopes);
    if (list.length !== 1) {
      throw new InvalidArgumentError(
        `${NAME}: managed identity issues a token for one resource at a time, but ${list.length} scopes were given. Call getToken once per resource.`,
      );
    }
    const resource = scopeToResource(list[0]!);
    const timeout = requestTimeout(NAME, options.requestOptions?.timeout);
    return logOutcome(
      this.#logger,
      () =>
        this.#cache.get(resource, (signal) => this.#fetch(resource, signal, timeout), {
          abortMessage: `${NAME}: the operation was aborted.`,
          signal: options.abortSignal,
        }),
      () => `getToken succeeded source=${this.#source.name} resource=${resource}`,
    );
  }

  async #fetch(resource: string, signal: AbortSignalLike, timeout?: number): Promise<AccessToken> {
    const source = this.#source;
    // `requestOptions.timeout` bounds the whole call: probe, every attempt and every retry wait.
    const deadline = performance.now() + (timeout ?? Infinity);
    if (this.#options.sendProbeRequest && source.probeUrl && !this.#imdsAvailable)
      await this.#probe(source.probeUrl, timeout ?? IMDS_PROBE_TIMEOUT_MS, signal);
    const timeoutMs = timeout ?? DEFAULT_TIMEOUT_MS;
    const request: HttpRequest = { ...tokenRequest(source, resource), timeoutMs, signal };
    const requestStartMs = (this.#options.now ?? Date.now)();
    const secrets = source.secret ? [source.secret] : [];
    let response = await this.#send(request, deadline);
    if (source.name === "Azure Arc" && response.status === 401) {
      const key = await readArcKey(
        checkArcKeyPath(parseArcChallenge(response), source.arcKeyDirectory),
      );
      secrets.push(key);
      const headers = { ...request.headers, Authorization: `Basic ${key}` };
      response = await this.#send({ ...request, headers }, deadline);
    }
    return parseManagedIdentityResponse(response, {
      sourceName: source.name,
      requestStartMs,
      userAssigned: this.#userAssigned,
      secrets,
    });
  }

  async #send(request: HttpRequest, deadline: number): Promise<HttpResponse> {
    const [transport, retry, logger] = [this.#transport, this.#retry, this.#logger];
    try {
      return await sendWithRetry(transport, request, retry, NAME, logger, deadline);
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown; message?: string } }).cause;
      const where = this.#source.name;
      if (cause?.code === CERT_MISMATCH_CODE) {
        const message = `${where}: ${cause.message} (IDENTITY_SERVER_THUMBPRINT); nothing was sent to the endpoint.`;
        throw authenticationFailure(NAME, "ERR_SERVER_CERT_MISMATCH", message, { cause: error });
      }
      if (!isTransientTransportError(error)) throw error;
      throw new CredentialUnavailableError(
        `${NAME}: no response from the ${where} endpoint: ${(error as Error).message.replace(`${NAME}: `, "")}`,
        { code: (error as { code: IdentityErrorCode }).code, cause: error },
      );
    }
  }

  async #probe(url: string, timeoutMs: number, signal: AbortSignalLike): Promise<void> {
    // No query and no Metadata header: IMDS answers at once with an error, and AAD pod identity
    // does not process the request.
    const probe = { method: "GET", url, timeoutMs, signal } as const;
    const response = await this.#transport.send(probe).catch((error: Error) => {
      if (error.name === "AbortError") throw error;
      throw new CredentialUnavailableError(
        `${NAME}: the IMDS endpoint is not available (no response to a ${timeoutMs} ms probe), so this is not an Azure VM or the identity endpoint is blocked.`,
        { code: "ERR_IMDS_UNAVAILABLE", cause: error },
      );
    });
    if (response.status === 403 && /unreachable/i.test(response.body.toString("utf8"))) {
      throw new CredentialUnavailableError(
        `${NAME}: the IMDS endpoint is unreachable from here (HTTP 403 from a proxy, as Docker Desktop answers).`,
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
