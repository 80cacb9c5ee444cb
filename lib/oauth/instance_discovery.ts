import { AuthenticationError } from "../errors.js";
import { sendWithRetry, type ResolvedRetryOptions } from "../http/retry.js";
import { readJsonResponse } from "../http/json_response.js";
import type { Transport } from "../http/transport.js";
import type { AbortSignalLike } from "../types.js";
import type { CredentialLogger } from "../util/logger.js";
import { authorizeEndpoint, AzureAuthorityHosts, type Authority } from "./authority.js";

const validatedAuthorities = new Map<string, Promise<void>>();

/** What instance discovery needs from its caller. */
export interface InstanceDiscoveryContext {
  credentialName: string;
  transport: Transport;
  retry: ResolvedRetryOptions;
  /** Where discovery is asked; the public cloud unless a test points it elsewhere. */
  discoveryHost?: string;
  signal?: AbortSignalLike;
  timeoutMs: number;
  logger?: CredentialLogger;
}

/**
 * Checks, once per process and host, that an authority outside the known Azure clouds is one
 * Entra trusts (`/common/discovery/instance`). Known clouds and ADFS skip it.
 *
 * @throws AuthenticationError `ERR_UNTRUSTED_AUTHORITY` when Entra answers `invalid_instance`.
 * @see https://learn.microsoft.com/entra/identity-platform/msal-client-application-configuration#authority
 */
export function validateAuthority(
  authority: Authority,
  tenantId: string,
  context: InstanceDiscoveryContext,
): Promise<void> {
  if (authority.isKnownCloud || tenantId === "adfs") return Promise.resolve();
  const discoveryHost = context.discoveryHost ?? AzureAuthorityHosts.AzurePublicCloud;
  const key = `${discoveryHost} ${authority.host}`;
  let pending = validatedAuthorities.get(key);
  if (!pending) {
    pending = discover(authority, tenantId, discoveryHost, context);
    validatedAuthorities.set(key, pending);
    pending.catch(() => validatedAuthorities.delete(key));
  }
  return pending;
}

async function discover(
  authority: Authority,
  tenantId: string,
  discoveryHost: string,
  context: InstanceDiscoveryContext,
): Promise<void> {
  const url = `${discoveryHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorizeEndpoint(authority, tenantId))}`;
  const { timeoutMs, signal, transport, retry, credentialName, logger } = context;
  const request = { method: "GET" as const, url, timeoutMs, signal };
  const response = await sendWithRetry(transport, request, retry, credentialName, logger);
  const body = readJsonResponse(response).record ?? {};
  if (response.status === 200 && typeof body.tenant_discovery_endpoint === "string") return;
  throw new AuthenticationError(response.status, body.error ? body : null, {
    credentialName: context.credentialName,
    code: "ERR_UNTRUSTED_AUTHORITY",
    message:
      `the authority host ${authority.host} is not one Entra recognises (instance discovery answered ${String(body.error ?? `HTTP ${response.status}`)}). ` +
      `If it is your own trusted domain, set "disableInstanceDiscovery: true".`,
  });
}
