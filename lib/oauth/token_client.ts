import { resolveRetryOptions, sendWithRetry, type ResolvedRetryOptions } from "../http/retry.js";
import { createIdentityTransport } from "../http/identity_transport.js";
import type { HttpResponse, Transport } from "../http/transport.js";
import type {
  AbortSignalLike,
  AuthorityValidationOptions,
  MultiTenantTokenCredentialOptions,
} from "../types.js";
import { createLogger, type CredentialLogger } from "../util/logger.js";
import {
  regionFromEnvironment,
  resolveAuthority,
  tokenEndpoint,
  type Authority,
} from "./authority.js";
import { clientAuthFields, type ClientAuthentication } from "./client_auth.js";
import { encodeForm, type FormFields } from "./form.js";
import type { Grant } from "./grants.js";
import { validateAuthority } from "./instance_discovery.js";
import { createTenantPolicy, type TenantPolicy } from "./tenant.js";
import { parseTokenResponse, type TokenResult } from "./token_response.js";

// Shared by every request: the transport copies headers, it never changes them.
const FORM_HEADERS = Object.freeze({
  "Content-Type": "application/x-www-form-urlencoded;charset=utf-8",
});

/** Default timeout of one HTTP attempt. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options a token client is built from: the credential's, passed whole. */
export type TokenClientOptions = MultiTenantTokenCredentialOptions & AuthorityValidationOptions;

/** Per-request settings. */
export interface RequestSettings {
  claims?: string;
  signal?: AbortSignalLike;
  timeoutMs?: number;
}

/**
 * Sends token requests for one application registration: builds the form (client id, grant
 * fields, client authentication, claims), posts it with retries, and parses the reply.
 */
export class TokenClient {
  readonly credentialName: string;
  readonly clientId: string;
  readonly authority: Authority;
  readonly tenantPolicy: TenantPolicy;
  readonly logger: CredentialLogger;
  readonly now: () => number;
  readonly #clientAuth: ClientAuthentication;
  readonly #transport: Transport;
  readonly #retry: ResolvedRetryOptions;
  readonly #options: TokenClientOptions;

  /**
   * @param credentialName - starts every message and log line.
   * @param tenantId - the configured tenant (already validated), or "" when none.
   * @param clientId - the application (client) id.
   * @param clientAuth - secret, assertion or none.
   * @param options - the credential's options.
   * @param regional - whether `AZURE_REGIONAL_AUTHORITY_NAME` applies: confidential clients only.
   */
  constructor(
    credentialName: string,
    tenantId: string,
    clientId: string,
    clientAuth: ClientAuthentication,
    options: TokenClientOptions = {},
    regional = clientAuth.kind !== "none",
  ) {
    const env = options.env ?? process.env;
    this.credentialName = credentialName;
    this.clientId = clientId;
    this.authority = resolveAuthority(
      credentialName,
      options.authorityHost,
      env,
      regional ? regionFromEnvironment(env) : undefined,
      tenantId,
    );
    this.tenantPolicy = createTenantPolicy(tenantId, options.additionallyAllowedTenants, env);
    this.logger = createLogger(credentialName, options.loggingOptions, env);
    this.now = options.now ?? Date.now;
    this.#clientAuth = clientAuth;
    this.#retry = resolveRetryOptions(credentialName, options.retryOptions);
    this.#options = options;
    this.#transport = createIdentityTransport(credentialName, options, env, this.logger);
  }

  /** The token endpoint URL of a tenant. */
  tokenEndpoint(tenantId: string): string {
    return tokenEndpoint(this.authority, tenantId);
  }

  /** Requests a token with the given grant; see {@link parseTokenResponse} for what it throws. */
  async request(
    tenantId: string,
    grant: Grant,
    settings: RequestSettings = {},
  ): Promise<TokenResult> {
    const endpoint = this.tokenEndpoint(tenantId);
    const auth = await clientAuthFields(this.credentialName, this.#clientAuth, endpoint, settings);
    const fields: FormFields = { client_id: this.clientId, ...grant.fields, ...auth.fields };
    if (settings.claims) fields.claims = settings.claims;
    const requestStartMs = this.now();
    const response = await this.postForm(tenantId, endpoint, fields, settings);
    return parseTokenResponse(response, {
      credentialName: this.credentialName,
      requestStartMs,
      secrets: [...grant.secrets, ...auth.secrets],
    });
  }

  /**
   * Posts a form to an endpoint of this authority (the token or device code endpoint), after
   * instance discovery, with retries. Returns the raw response so a pure parser can check it.
   */
  async postForm(
    tenantId: string,
    url: string,
    fields: FormFields,
    settings: RequestSettings = {},
  ): Promise<HttpResponse> {
    const { signal } = settings;
    const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { credentialName, logger } = this;
    const transport = this.#transport;
    const retry = this.#retry;
    const options = this.#options;
    if (!options.disableInstanceDiscovery) {
      const discoveryHost = options.instanceDiscoveryHost;
      const context = {
        credentialName,
        transport,
        retry,
        timeoutMs,
        discoveryHost,
        signal,
        logger,
      };
      await validateAuthority(this.authority, tenantId, context);
    }
    const request = {
      method: "POST" as const,
      url,
      headers: FORM_HEADERS,
      body: encodeForm(fields),
      timeoutMs,
      signal,
    };
    return sendWithRetry(transport, request, retry, credentialName, logger);
  }

  /** Releases the keep-alive sockets. */
  close(): void {
    this.#transport.close();
  }
}
