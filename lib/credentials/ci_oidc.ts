/**
 * Federation from a CI system (Azure Pipelines, GitHub Actions): each token request first asks
 * the job's OIDC endpoint for an ID token, with the job's request token, then presents that ID
 * token as the client assertion. Reply checking is pure; the CI-specific parts (URL, headers,
 * reply field) come from the caller as a {@link CiOidcEndpoint}.
 *
 * @module
 */
import { InvalidArgumentError } from "../errors.js";
import { createIdentityTransport } from "../http/identity_transport.js";
import { resolveRetryOptions, sendWithRetry } from "../http/retry.js";
import type { Transport } from "../http/transport.js";
import { DEFAULT_TIMEOUT_MS, type RequestSettings } from "../oauth/token_client.js";
import type { TokenCredentialOptions } from "../types.js";
import { AppCredential } from "./app_credential_base.js";

/** How one CI system hands out OIDC tokens. */
export interface CiOidcEndpoint {
  /** `GET` (GitHub Actions) or `POST` (Azure Pipelines). */
  method: "GET" | "POST";
  /** The full request URL, query included. */
  url: string;
  /** The request headers, the request token's `Authorization` among them. */
  headers: Record<string, string>;
  /** The reply's JSON field that holds the ID token: `oidcToken`, `value`. */
  field: string;
  /** Reply headers a failure message names (diagnostic ids), `none` when absent. */
  diagnosticHeaders: readonly string[];
  /** Ends a failure message: what to check. */
  hint: string;
  /** Values that must never appear in a message (the request token). */
  secrets: readonly string[];
}

/**
 * Checks a CI OIDC endpoint URL from the environment: an absolute `https:` URL. The message names
 * the variable and the scheme, never the URL (its query may carry ids the job did not mean to log).
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for anything else.
 */
export function requireHttpsUrl(credentialName: string, variable: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (url?.protocol !== "https:") {
    const what = url ? `uses ${url.protocol} (only https: is allowed)` : "is not an absolute URL";
    throw new InvalidArgumentError(`${credentialName}: ${variable} ${what}.`);
  }
  return url;
}

/** `url` with `query` (already encoded) appended after `?` or `&`. */
export function withQuery(url: string, query: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${query}`;
}

/**
 * An application credential whose client assertion is a CI OIDC token fetched for each token
 * request. The OIDC request runs inside the token request: its timeout, abort signal and the
 * credential's `close()` apply, and it goes through the credential's proxy, TLS and retry options.
 */
export abstract class CiOidcCredential extends AppCredential {
  readonly #oidcTransport: Transport;

  /**
   * @param name - the credential's name, which starts every message.
   * @param tenantId - the validated tenant.
   * @param clientId - the application (client) id.
   * @param endpoint - where and how the CI system hands out ID tokens.
   * @param options - the credential's options, passed whole.
   */
  protected constructor(
    name: string,
    tenantId: string,
    clientId: string,
    endpoint: CiOidcEndpoint,
    options: TokenCredentialOptions,
  ) {
    const transport = createIdentityTransport(name, options, options.env ?? process.env);
    const retry = resolveRetryOptions(name, options.retryOptions);
    const { method, url, headers } = endpoint;
    const getAssertion = async (_: string, { signal, timeoutMs }: RequestSettings) => {
      const request = { method, url, headers, signal, timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS };
      const response = await sendWithRetry(transport, request, retry, name);
      const { parseCiOidcResponse } = await import("./ci_oidc_response.js");
      return parseCiOidcResponse(name, response, endpoint);
    };
    super(name, tenantId, clientId, { kind: "assertion", getAssertion }, options);
    this.#oidcTransport = transport;
  }

  /** Releases sockets (the token endpoint's and the OIDC endpoint's) and drops cached tokens. */
  override async close(): Promise<void> {
    await super.close();
    this.#oidcTransport.close();
  }
}
