import { InvalidArgumentError } from "../errors.js";
import { AppCredential } from "./app_credential_base.js";
import type { CommonCredentialOptions } from "../types.js";
import { requireAppTenant, requireString } from "./arguments.js";

/** Options of {@link ClientAssertionCredential}. */
export interface ClientAssertionCredentialOptions extends CommonCredentialOptions {}

/**
 * Authenticates an application with a client assertion supplied by the caller, such as a
 * federated token from another identity provider. The callback runs once per token request.
 *
 * @example
 * ```ts
 * const credential = new ClientAssertionCredential(tenantId, clientId, async () => readFederatedToken());
 * ```
 * @see https://learn.microsoft.com/entra/workload-id/workload-identity-federation
 */
export class ClientAssertionCredential extends AppCredential {
  /**
   * @param tenantId - the directory (tenant) id or domain.
   * @param clientId - the application (client) id.
   * @param getAssertion - returns a fresh JWT assertion; called once per token request.
   * @param options - authority, multi-tenant, retry, TLS and logging options.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   */
  constructor(
    tenantId: string,
    clientId: string,
    getAssertion: () => Promise<string>,
    options: ClientAssertionCredentialOptions = {},
  ) {
    const name = options.credentialName ?? "ClientAssertionCredential";
    const tenant = requireAppTenant(name, tenantId);
    requireString(name, "clientId", clientId);
    if (typeof getAssertion !== "function") {
      throw new InvalidArgumentError(
        `${name}: "getAssertion" must be a function returning the assertion.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    super(
      name,
      tenant,
      clientId,
      { kind: "assertion", getAssertion: () => getAssertion() },
      options,
    );
  }
}
