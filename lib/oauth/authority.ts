import { InvalidArgumentError } from "../errors.js";

/**
 * The authority hosts of the Azure clouds, as in `@azure/identity`.
 * @see https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
 */
export const AzureAuthorityHosts = {
  /** China (21Vianet). */
  AzureChina: "https://login.chinacloudapi.cn",
  /** Germany; the cloud closed on 2021-10-29. @deprecated */
  AzureGermany: "https://login.microsoftonline.de",
  /** US Government. */
  AzureGovernment: "https://login.microsoftonline.us",
  /** Global Azure. */
  AzurePublicCloud: "https://login.microsoftonline.com",
} as const;

/** One of the values of {@link AzureAuthorityHosts}. */
export type AzureAuthorityHosts = (typeof AzureAuthorityHosts)[keyof typeof AzureAuthorityHosts];

const PUBLIC_CLOUD_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
]);

const KNOWN_CLOUD_HOSTS = new Set([
  ...PUBLIC_CLOUD_HOSTS,
  ..."login.chinacloudapi.cn login.partner.microsoftonline.cn login.microsoftonline.de".split(" "),
  ..."login.microsoftonline.us login.usgovcloudapi.net login-us.microsoftonline.com".split(" "),
  ..."login.sovcloud-identity.fr login.sovcloud-identity.de login.sovcloud-identity.sg".split(" "),
]);

const REGION_PATTERN = /^[a-z0-9-]+$/i;

/** Where a credential sends its requests, fixed at construction. */
export interface Authority {
  /** `https://host[:port][/path]`, no trailing slash. */
  readonly host: string;
  /** The host is one of the Azure clouds' own: no instance discovery needed. */
  readonly isKnownCloud: boolean;
  /** The regional token host (`https://{region}.login.microsoft.com`), when a region is configured. */
  readonly regionalHost?: string;
}

// Resolved authorities by input, so a credential created per request does not parse and check
// the same host again; bounded, as hosts come from callers.
const resolvedAuthorities = new Map<string, Authority>();
const MAX_RESOLVED_AUTHORITIES = 64;
let lastResolved:
  { raw: string; region?: string; tenantId?: string; authority: Authority } | undefined;

/**
 * Resolves the authority host: the `authorityHost` option, else `AZURE_AUTHORITY_HOST`, else the
 * public cloud. A bare host name gets `https://`; any other scheme is refused. A host ending in the
 * credential's own tenant (`https://login.microsoftonline.com/<tenant>`, as `@azure/identity`
 * accepts) loses that segment, so the tenant is not put in the path twice.
 *
 * @throws InvalidArgumentError (`ERR_INVALID_ARG_VALUE`) for a non-https or malformed host.
 */
export function resolveAuthority(
  credentialName: string,
  authorityHost: string | undefined,
  env: NodeJS.ProcessEnv,
  region?: string,
  tenantId?: string,
): Authority {
  const raw = (
    authorityHost ??
    env.AZURE_AUTHORITY_HOST ??
    AzureAuthorityHosts.AzurePublicCloud
  ).trim();
  // A credential created per request asks for the authority it asked for last time: strings the
  // caller holds compare at once, where the map needs a new key string hashed.
  const last = lastResolved;
  if (last && last.raw === raw && last.region === region && last.tenantId === tenantId)
    return last.authority;
  const key = `${raw}\n${region ?? ""}\n${tenantId ?? ""}`;
  const known = resolvedAuthorities.get(key);
  if (known) {
    lastResolved = { raw, region, tenantId, authority: known };
    return known;
  }
  const authority = Object.freeze(parseAuthority(credentialName, raw, region, tenantId));
  if (resolvedAuthorities.size >= MAX_RESOLVED_AUTHORITIES) resolvedAuthorities.clear();
  resolvedAuthorities.set(key, authority);
  lastResolved = { raw, region, tenantId, authority };
  return authority;
}

function parseAuthority(
  credentialName: string,
  raw: string,
  region: string | undefined,
  tenantId: string | undefined,
): Authority {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  // The URL parser would drop tabs and line breaks and resolve dot segments (also `%2e`, and `\`
  // as `/`) without a word, so the requests would go somewhere the caller did not write.
  const rawPath = withScheme.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/\\]*/i, "");
  if (
    /[\s\u0000-\u001f\u007f\u2028\u2029]/.test(raw) ||
    rawPath.split(/[/\\]/).some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment))
  ) {
    throw new InvalidArgumentError(
      `${credentialName}: "authorityHost" must not contain whitespace, control characters or "." and ".." path segments.`,
    );
  }
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidArgumentError(`${credentialName}: "authorityHost" is not a valid URL.`);
  }
  if (url.protocol !== "https:") {
    throw new InvalidArgumentError(
      `${credentialName}: "authorityHost" must use https; got ${url.protocol}// (tokens are never requested over plain HTTP).`,
    );
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new InvalidArgumentError(
      `${credentialName}: "authorityHost" must not carry a query, fragment or credentials.`,
    );
  }
  let path = url.pathname.replace(/\/+$/, "");
  if (tenantId && path.toLowerCase().endsWith(`/${tenantId.toLowerCase()}`)) {
    path = path.slice(0, -tenantId.length - 1);
  }
  const host = `${url.origin}${path}`;
  const isKnownCloud = KNOWN_CLOUD_HOSTS.has(url.hostname.toLowerCase()) && path === "";
  const authority: Authority = { host, isKnownCloud };
  if (region) {
    if (!REGION_PATTERN.test(region)) {
      throw new InvalidArgumentError(
        `${credentialName}: AZURE_REGIONAL_AUTHORITY_NAME must be a region name such as "westus2".`,
      );
    }
    const regionalHostname = PUBLIC_CLOUD_HOSTS.has(url.hostname.toLowerCase())
      ? "login.microsoft.com"
      : url.host;
    return { ...authority, regionalHost: `https://${region.toLowerCase()}.${regionalHostname}` };
  }
  return authority;
}

/**
 * The region from `AZURE_REGIONAL_AUTHORITY_NAME`, or `REGION_NAME` when it says `TryAutoDetect`.
 * Returns undefined when no region applies.
 */
export function regionFromEnvironment(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.AZURE_REGIONAL_AUTHORITY_NAME?.trim();
  if (!value) return undefined;
  if (/^(tryautodetect|autodiscoverregion|true)$/i.test(value))
    return env.REGION_NAME?.trim() || undefined;
  return value;
}

/** The token endpoint of a tenant: `{host}/{tenant}/oauth2/v2.0/token`, or `{host}/adfs/oauth2/token` for ADFS. */
export function tokenEndpoint(authority: Authority, tenantId: string): string {
  if (tenantId === "adfs") return `${authority.host}/adfs/oauth2/token`;
  return `${authority.regionalHost ?? authority.host}/${tenantId}/oauth2/v2.0/token`;
}

/** The authorize endpoint of a tenant, used by instance discovery and interactive flows. */
export function authorizeEndpoint(authority: Authority, tenantId: string): string {
  if (tenantId === "adfs") return `${authority.host}/adfs/oauth2/authorize`;
  return `${authority.host}/${tenantId}/oauth2/v2.0/authorize`;
}
