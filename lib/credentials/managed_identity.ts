/**
 * `ManagedIdentityCredential`: the identity Azure gives the compute the code runs on.
 *
 * @module
 */
import { CredentialUnavailableError, InvalidArgumentError } from "../errors.js";
import type { InternalClientOptions } from "../oauth/token_client.js";
import type {
  AccessToken,
  GetTokenOptions,
  TokenCredential,
  TokenCredentialOptions,
} from "../types.js";
import { createLogger } from "../util/logger.js";
import { ManagedIdentityClient } from "./managed_identity/client.js";
import { detectSource, type DetectionSeams } from "./managed_identity/detect.js";
import { resolveManagedIdentityRetry } from "./managed_identity/retry.js";
import type { UserAssignedIdentity } from "./managed_identity/types.js";
import { WorkloadIdentityCredential } from "./workload_identity.js";

const NAME = "ManagedIdentityCredential";

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

/** Seams for `DefaultAzureCredential` and tests; stripped from the published types. */
export interface ManagedIdentityInternalOptions extends InternalClientOptions, DetectionSeams {
  /** @internal Probe IMDS (1 s, no retry) before the first request; set by `DefaultAzureCredential`. */
  sendProbeRequest?: boolean;
}

type AnyOptions = Partial<
  ManagedIdentityCredentialClientIdOptions &
    ManagedIdentityCredentialResourceIdOptions &
    ManagedIdentityCredentialObjectIdOptions
> &
  ManagedIdentityInternalOptions;

function userAssignedIdentity(options: AnyOptions): UserAssignedIdentity | undefined {
  const given = (["clientId", "resourceId", "objectId"] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (given.length > 1) {
    throw new InvalidArgumentError(
      `${NAME}: pass at most one of "clientId", "resourceId" and "objectId"; got ${given.map((k) => `"${k}"`).join(" and ")}.`,
    );
  }
  const kind = given[0];
  if (kind === undefined) return undefined;
  const value = options[kind];
  if (typeof value !== "string" || value.trim() === "")
    throw new InvalidArgumentError(`${NAME}: "${kind}" must be a non-empty string.`);
  return { kind, value };
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
  readonly #client: ManagedIdentityClient | undefined;
  readonly #workload: WorkloadIdentityCredential | undefined;
  readonly #unavailable: CredentialUnavailableError | undefined;

  /**
   * @param clientId - the client id of a user-assigned identity.
   * @param options - retry, logging and user-agent options.
   */
  constructor(clientId: string, options?: TokenCredentialOptions);
  /**
   * @param options - at most one of `clientId`, `resourceId`, `objectId` (none: the system-assigned identity), plus retry, logging and user-agent options.
   */
  constructor(
    options?:
      | ManagedIdentityCredentialClientIdOptions
      | ManagedIdentityCredentialResourceIdOptions
      | ManagedIdentityCredentialObjectIdOptions,
  );
  /**
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) when more than one of `clientId`, `resourceId`, `objectId` is given, or one is empty.
   * @throws CredentialUnavailableError (`ERR_USER_ASSIGNED_UNSUPPORTED`) when a user-assigned id is given where the detected source cannot honour it (Cloud Shell, Service Fabric, Azure Arc, Azure ML with a resource or object id).
   */
  constructor(
    clientIdOrOptions?:
      | string
      | ManagedIdentityCredentialClientIdOptions
      | ManagedIdentityCredentialResourceIdOptions
      | ManagedIdentityCredentialObjectIdOptions,
    maybeOptions?: TokenCredentialOptions,
  ) {
    const options: AnyOptions =
      typeof clientIdOrOptions === "string"
        ? { ...maybeOptions, clientId: clientIdOrOptions }
        : { ...clientIdOrOptions };
    const identity = userAssignedIdentity(options);
    const env = options.env ?? process.env;
    const detection = detectSource(env, identity, options);
    if (detection.kind === "unavailable") {
      this.#unavailable = new CredentialUnavailableError(`${NAME}: ${detection.reason}`, {
        code: detection.code,
      });
    } else if (detection.kind === "workload") {
      const {
        clientId: _c,
        resourceId: _r,
        objectId: _o,
        sendProbeRequest: _p,
        ...common
      } = options;
      this.#workload = new WorkloadIdentityCredential({
        ...common,
        tenantId: detection.tenantId,
        clientId: detection.clientId,
        tokenFilePath: detection.tokenFilePath,
        disableInstanceDiscovery: true,
      });
    } else {
      const now = options.now ?? Date.now;
      this.#client = new ManagedIdentityClient({
        credentialName: NAME,
        source: detection.source,
        userAssigned: identity !== undefined,
        retry: resolveManagedIdentityRetry(options.retryOptions),
        probe: options.sendProbeRequest === true,
        logger: createLogger(NAME, options.loggingOptions, env),
        now,
        ...(options.userAgentOptions?.userAgentPrefix
          ? { userAgentPrefix: options.userAgentOptions.userAgentPrefix }
          : {}),
      });
    }
  }

  /**
   * Gets a token for one resource from the detected source. Served from the in-memory cache until
   * five minutes before expiry; tokens of two hours or more are refreshed at half-life.
   *
   * @param scopes - exactly one scope, e.g. `"https://vault.azure.net/.default"`.
   * @param options - `abortSignal`, `requestOptions.timeout`; `claims`, `tenantId` and `enableCae` do not apply to managed identity.
   * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for zero or several scopes.
   * @throws CredentialUnavailableError when no endpoint answers (`ERR_IMDS_UNAVAILABLE`, `ERR_NETWORK`, `ERR_TIMEOUT`), no identity is assigned (`ERR_IDENTITY_NOT_FOUND`), the reply is not JSON (`ERR_RESPONSE_NOT_JSON`) or the environment is inconsistent (`ERR_MANAGED_IDENTITY_CONFIG`).
   * @throws AuthenticationError when the endpoint refuses (`ERR_HTTP_STATUS` or its error code), the Azure Arc challenge is refused (`ERR_ARC_CHALLENGE`, `ERR_ARC_KEY_FILE`) or the Service Fabric certificate does not match (`ERR_SERVER_CERT_MISMATCH`).
   */
  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#workload) return this.#workload.getToken(scopes, options);
    if (this.#client) return this.#client.getToken(scopes, options);
    throw this.#unavailable!;
  }

  /** Releases sockets and drops cached tokens. */
  async close(): Promise<void> {
    this.#client?.close();
    await this.#workload?.close();
  }

  /** Same as {@link ManagedIdentityCredential.close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
