import { CredentialUnavailableError, InvalidArgumentError } from "../errors.js";

const TENANT_ID_PATTERN = /^[0-9A-Za-z.-]+$/;

/** Where to find the tenant id, quoted by every tenant-id error. */
export const TENANT_ID_HELP =
  "See https://learn.microsoft.com/partner-center/find-ids-and-domain-names to find your tenant id.";

/**
 * Whether `tenantId` is a syntactically valid tenant id or domain. `.` and `..` are not: URL
 * normalisation would drop them and send the request to another path.
 */
export function isValidTenantId(tenantId: string): boolean {
  return TENANT_ID_PATTERN.test(tenantId) && !/^\.\.?$/.test(tenantId);
}

/**
 * Throws unless `tenantId` is a non-empty string of letters, digits, `.` and `-`, other than `.`
 * and `..`.
 * The value is not echoed: it may be a secret pasted into the wrong argument.
 */
export function checkTenantId(
  credentialName: string,
  tenantId: unknown,
  argumentName = "tenantId",
): string {
  if (typeof tenantId !== "string" || !isValidTenantId(tenantId)) {
    throw new InvalidArgumentError(
      `${credentialName}: "${argumentName}" must be a tenant id or domain made of letters, digits, "." and "-" (not "." or ".."). ${TENANT_ID_HELP}`,
    );
  }
  return tenantId;
}

/** The multi-tenant settings of a credential, fixed at construction. */
export interface TenantPolicy {
  /** The tenant the credential was configured with; empty when none (e.g. CLI credentials). */
  configuredTenantId: string;
  /** Tenants besides the configured one that `getToken` may ask for; may contain `"*"`. */
  additionallyAllowedTenants: readonly string[];
  /** `AZURE_IDENTITY_DISABLE_MULTITENANTAUTH` is set: always use the configured tenant. */
  multiTenantDisabled: boolean;
}

/**
 * Builds the tenant policy from constructor options and the environment.
 * `AZURE_ADDITIONALLY_ALLOWED_TENANTS` (separated by `;` or `,`) applies when the option is absent.
 */
export function createTenantPolicy(
  configuredTenantId: string,
  additionallyAllowedTenants: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
): TenantPolicy {
  const fromEnv = env.AZURE_ADDITIONALLY_ALLOWED_TENANTS?.split(/[;,]/)
    .map((t) => t.trim())
    .filter(Boolean);
  const allowed = additionallyAllowedTenants ?? fromEnv ?? [];
  return {
    configuredTenantId,
    additionallyAllowedTenants: allowed.includes("*") ? ["*"] : [...allowed],
    multiTenantDisabled: Boolean(env.AZURE_IDENTITY_DISABLE_MULTITENANTAUTH),
  };
}

/**
 * Chooses the tenant for one request: the requested tenant when the policy allows it, else the
 * configured one.
 *
 * @throws InvalidArgumentError when the requested tenant id is malformed.
 * @throws CredentialUnavailableError (`ERR_TENANT_NOT_ALLOWED`) when the policy forbids it.
 */
export function resolveTenant(
  credentialName: string,
  policy: TenantPolicy,
  requestedTenantId?: string,
): string {
  const configured = policy.configuredTenantId;
  if (requestedTenantId === undefined || requestedTenantId === configured) return configured;
  checkTenantId(credentialName, requestedTenantId, "options.tenantId");
  if (configured === "adfs" || (configured && policy.multiTenantDisabled)) return configured;
  if (!configured) return requestedTenantId;
  const allowed = policy.additionallyAllowedTenants;
  if (allowed.includes("*") || allowed.includes(requestedTenantId)) return requestedTenantId;
  throw new CredentialUnavailableError(
    `${credentialName}: the credential is not configured to acquire tokens for tenant ${requestedTenantId}. ` +
      `To allow it, add it to "additionallyAllowedTenants" in the credential options, or add "*" to allow any tenant.`,
    { code: "ERR_TENANT_NOT_ALLOWED" },
  );
}
