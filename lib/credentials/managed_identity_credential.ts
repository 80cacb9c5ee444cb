/**
 * `ManagedIdentityCredential`: the identity Azure gives the compute the code runs on.
 *
 * @module
 */
import { CredentialUnavailableError, InvalidArgumentError } from "../errors.js";
import type {
  AccessToken,
  GetTokenOptions,
  TokenCredential,
  TokenCredentialOptions,
} from "../types.js";
import { checkHeaderValue } from "../http/transport.js";
import type { ManagedIdentityClient } from "./managed_identity/client.js";
import { NAME, detectSource, type UserAssignedIdentity } from "./managed_identity/sources.js";
import { WorkloadIdentityCredential } from "./workload_identity_credential.js";

/** Options selecting a user-assigned identity by client id (or the system-assigned one without it). */
export interface ManagedIdentityCredentialClientIdOptions extends TokenCredentialOptions {
  /** The client id of a user-assigned identity; omit for the system-assigned identity. */
  clientId?: string;
}

/** Options selecting a user-assigned identity by its Azure resource id. */
export interface ManagedIdentityCredentialResourceIdOptions extends TokenCredentialOptions {
  /** The resource id, `/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/…`. */
  resourceId: string;
}

/** Options selecting a user-assigned identity by its object (principal) id. */
export interface ManagedIdentityCredentialObjectIdOptions extends TokenCredentialOptions {
  /** The object (principal) id of a user-assigned identity. */
  objectId: string;
}

type IdentityOptions =
  | ManagedIdentityCredentialClientIdOptions
  | ManagedIdentityCredentialResourceIdOptions
  | ManagedIdentityCredentialObjectIdOptions;

type AnyOptions = TokenCredentialOptions & Partial<Record<UserAssignedIdentity["kind"], string>>;

function userAssignedIdentity(options: AnyOptions): UserAssignedIdentity | undefined {
  const given = (["clientId", "resourceId", "objectId"] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (given.length > 1) {
    throw new InvalidArgumentError(
      `${NAME}: pass at most one of "clientId", "resourceId" and "objectId"; got "${given.join('" and "')}".`,
    );
  }
  const kind = given[0];
  if (kind === undefined) return undefined;
  const value = options[kind];
  if (typeof value !== "string" || value.trim() === "")
    throw new InvalidArgumentError(`${NAME}: "${kind}" must be a non-empty string.`);
  return { kind, value };
}

type Source = Pick<ManagedIdentityClient, "getToken"> & { close(): unknown };

/** The client of a detected source; its code (requests, Arc challenge, pinned TLS) loads at the first `getToken`. */
function lazyClient(...args: ConstructorParameters<typeof ManagedIdentityClient>): Source {
  const prefix = args[2].userAgentOptions?.userAgentPrefix;
  checkHeaderValue(NAME, '"userAgentOptions.userAgentPrefix"', prefix);
  let client: Promise<ManagedIdentityClient> | undefined;
  const load = () =>
    (client ??= import("./managed_identity/client.js").then(
      (m) => new m.ManagedIdentityClient(...args),
    ));
  return {
    getToken: async (scopes, options) => (await load()).getToken(scopes, options),
    close: async () => (await client)?.close(),
  };
}

/**
 * Gets tokens from the managed identity of the Azure compute the code runs on. The source is
 * detected once, at construction, from the environment: Service Fabric, App Service (also
 * Functions and Container Apps), Azure Arc, Azure ML, Cloud Shell, AKS workload identity (token
 * exchange), else IMDS (VMs, scale sets, AKS nodes).
 *
 * @example
 * ```ts
 * const systemAssigned = new ManagedIdentityCredential();
 * const userAssigned = new ManagedIdentityCredential({ clientId: "<client id>" });
 * ```
 * @see https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview
 */
export class ManagedIdentityCredential implements TokenCredential {
  readonly #source: Source;

  /**
   * @param clientId - the client id of a user-assigned identity.
   * @param options - retry, logging and user-agent options.
   */
  constructor(clientId: string, options?: TokenCredentialOptions);
  /**
   * @param options - at most one of `clientId`, `resourceId`, `objectId` (none: the system-assigned identity), plus retry, logging and user-agent options.
   */
  constructor(options?: IdentityOptions);
  /**
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) when more than one of `clientId`, `resourceId`, `objectId` is given, or one is empty; when `userAgentOptions.userAgentPrefix`, `IDENTITY_HEADER` or `MSI_SECRET` holds a line break or another character no HTTP header can carry.
   * @throws CredentialUnavailableError (`ERR_USER_ASSIGNED_UNSUPPORTED`) when a user-assigned id is given where the detected source cannot honour it (Cloud Shell, Service Fabric, Azure Arc, Azure ML with a resource or object id).
   */
  constructor(clientIdOrOptions?: string | IdentityOptions, maybeOptions?: TokenCredentialOptions) {
    const options: AnyOptions =
      typeof clientIdOrOptions === "string"
        ? { ...maybeOptions, clientId: clientIdOrOptions }
        : { ...clientIdOrOptions };
    const identity = userAssignedIdentity(options);
    try {
      const detection = detectSource(options.env ?? process.env, identity, options);
      this.#source =
        detection.kind === "source"
          ? lazyClient(detection.source, identity !== undefined, options)
          : new WorkloadIdentityCredential({
              ...options,
              ...detection.workload,
              disableInstanceDiscovery: true,
            });
    } catch (error) {
      // An incomplete environment fails at getToken, so a DefaultAzureCredential chain moves on.
      if ((error as CredentialUnavailableError).code !== "ERR_MANAGED_IDENTITY_CONFIG") throw error;
      this.#source = { getToken: () => Promise.reject(error), close() {} };
    }
  }

  /**
   * Gets a token for one resource from the detected source. Served from the in-memory cache until
   * five minutes before expiry; tokens of two hours or more are refreshed at half-life.
   *
   * @param scopes - exactly one scope, e.g. `"https://vault.azure.net/.default"`.
   * A refused connection to a loopback or link-local endpoint (no managed identity on this host)
   * fails at once, without retries. `requestOptions.timeout` bounds the whole call: the IMDS
   * probe, every attempt and every retry wait. Without it, an endpoint that accepts connections
   * but never answers is given up after at most about 205 s: 6 attempts (5 retries) of 30 s each,
   * plus back-off waits of at most 24.8 s in all.
   *
   * @param scopes - exactly one scope, e.g. `"https://vault.azure.net/.default"`.
   * @param options - `abortSignal`, `requestOptions.timeout` (for the whole call); `claims`, `tenantId` and `enableCae` do not apply to managed identity.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for zero or several scopes, or an Azure Arc key file holding a line break.
   * @throws CredentialUnavailableError when no endpoint answers (`ERR_IMDS_UNAVAILABLE`, `ERR_NETWORK`, `ERR_TIMEOUT`), no identity is assigned (`ERR_IDENTITY_NOT_FOUND`), the reply is not JSON (`ERR_RESPONSE_NOT_JSON`) or the environment is inconsistent (`ERR_MANAGED_IDENTITY_CONFIG`).
   * @throws AuthenticationError when the endpoint refuses (`ERR_HTTP_STATUS` or its error code), the Azure Arc challenge is refused (`ERR_ARC_CHALLENGE`, `ERR_ARC_KEY_FILE`), the Service Fabric certificate does not match (`ERR_SERVER_CERT_MISMATCH`) or an https endpoint's certificate is not trusted (`ERR_TLS_CERTIFICATE`).
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    return this.#source.getToken(scopes, options);
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    await this.#source.close();
  }

  /** Same as {@link ManagedIdentityCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
