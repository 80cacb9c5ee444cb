import { openCredentialStore } from "../cache/token_store.js";
import type { ClientAuthentication } from "../oauth/client_auth.js";
import { ConfidentialClient, type GrantFactory } from "../oauth/confidential_client.js";
import { TokenClient, type TokenClientOptions } from "../oauth/token_client.js";
import type {
  AccessToken,
  CredentialPersistenceOptions,
  GetTokenOptions,
  TokenCredential,
} from "../types.js";

/**
 * What every application (confidential-client) credential does once constructed: hand `getToken`
 * to its confidential client and release it on `close()`. Subclasses only validate their
 * arguments and choose the client authentication (and, for OBO, the grant).
 */
export abstract class AppCredential implements TokenCredential {
  readonly #client: ConfidentialClient;

  /**
   * @param name - the credential's name, which starts every message.
   * @param tenantId - the validated tenant.
   * @param clientId - the application (client) id.
   * @param clientAuth - how the application proves its identity.
   * @param options - the credential's options, passed whole.
   * @param grant - the grant of each request; default client credentials.
   * @param partition - separates the cache entries of different users (OBO).
   */
  protected constructor(
    name: string,
    tenantId: string,
    clientId: string,
    clientAuth: ClientAuthentication,
    options: TokenClientOptions & CredentialPersistenceOptions,
    grant?: GrantFactory,
    partition?: string,
  ) {
    const client = new TokenClient(name, tenantId, clientId, clientAuth, options);
    const store = openCredentialStore({ client, options });
    this.#client = new ConfidentialClient(client, grant, partition, store);
  }

  /**
   * Gets a token. Served from the in-memory cache until five minutes before expiry; concurrent
   * calls for the same scopes share one request.
   *
   * @param scopes - e.g. `"https://management.azure.com/.default"`.
   * @param options - `abortSignal`, `tenantId`, `claims`, `enableCae`, `requestOptions.timeout`.
   * @throws AuthenticationError when Entra refuses (`code` = Entra's error, e.g. `invalid_client`) or the exchange fails (`ERR_TIMEOUT`, `ERR_NETWORK`, `ERR_TLS_CERTIFICATE` for a server certificate that is not trusted — never retried, …).
   * @throws CredentialUnavailableError (`ERR_TENANT_NOT_ALLOWED`) for a tenant outside `additionallyAllowedTenants`.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for malformed scopes, tenant or claims.
   */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#client.getToken(scopes, options);
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    this.#client.close();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
