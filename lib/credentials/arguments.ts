import { InvalidArgumentError } from "../errors.js";
import { checkTenantId } from "../oauth/tenant.js";

const MULTI_TENANT_ALIASES = new Set(["common", "organizations", "consumers"]);

/** Throws unless `value` is a non-empty string; the message names the argument, never its value. */
export function requireString(
  credentialName: string,
  argumentName: string,
  value: unknown,
): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidArgumentError(
      `${credentialName}: "${argumentName}" is required and must be a non-empty string.`,
    );
  }
  return value;
}

/**
 * Validates the tenant of an application (client-credentials) credential: a tenant id or domain,
 * and not `common`, `organizations` or `consumers`, which Entra refuses for app tokens.
 */
export function requireAppTenant(credentialName: string, tenantId: unknown): string {
  requireString(credentialName, "tenantId", tenantId);
  const tenant = checkTenantId(credentialName, tenantId);
  if (MULTI_TENANT_ALIASES.has(tenant.toLowerCase())) {
    throw new InvalidArgumentError(
      `${credentialName}: "tenantId" must be your directory's tenant id or domain; "${tenant}" cannot issue application tokens.`,
    );
  }
  return tenant;
}
