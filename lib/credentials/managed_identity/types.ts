/**
 * The shapes shared by the managed-identity sources: the user-assigned identity, one request, and
 * what a source tells the client about itself.
 *
 * @module
 */

/** A user-assigned identity, by exactly one of its ids. */
export type UserAssignedIdentity =
  | { kind: "clientId"; value: string }
  | { kind: "resourceId"; value: string }
  | { kind: "objectId"; value: string };

/** One HTTP request to a managed-identity endpoint, built by a source (pure). */
export interface ManagedIdentityRequest {
  method: "GET" | "POST";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The hosting environments a token can come from. */
export type SourceKind =
  "imds" | "appService" | "serviceFabric" | "azureArc" | "azureMl" | "cloudShell";

/** A detected managed-identity source: how to ask it for a token. */
export interface ManagedIdentitySource {
  kind: SourceKind;
  /** How messages name it, e.g. "App Service". */
  displayName: string;
  /** Builds the token request for one resource. */
  request(resource: string): ManagedIdentityRequest;
  /** Service Fabric: the thumbprint the endpoint's certificate is pinned to. */
  serverThumbprint?: string;
  /** Azure Arc: the directory the challenge's key file must be in. */
  arcKeyDirectory?: string;
  /** IMDS: the URL of the availability probe, when a probe is meaningful (not behind pod identity). */
  probeUrl?: string;
}

/** The query parameter names a source uses for the three kinds of user-assigned id. */
export interface IdentityParameterNames {
  clientId: string;
  resourceId: string;
  objectId: string;
}

/**
 * Appends `key=value` pairs to a URL's query, encoded with `encodeURIComponent`, keeping any query
 * the endpoint URL already has.
 */
export function withQuery(
  endpoint: string,
  pairs: ReadonlyArray<readonly [string, string]>,
): string {
  const url = new URL(endpoint);
  const extra = pairs
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join("&");
  url.search = url.search && url.search !== "?" ? `${url.search}&${extra}` : `?${extra}`;
  return url.toString();
}

/** The query pair that selects a user-assigned identity, or none for the system-assigned one. */
export function identityPair(
  identity: UserAssignedIdentity | undefined,
  names: IdentityParameterNames,
): Array<[string, string]> {
  return identity ? [[names[identity.kind], identity.value]] : [];
}

/** The form body header every managed-identity request carries, as MSAL sends it. */
export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded;charset=utf-8";
