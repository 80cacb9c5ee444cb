/**
 * The tokens the emulator issues: RS256 JWT access tokens and ID tokens signed with its key, and
 * the JWKS that publishes that key. `xms_cc` and the `value`s of a claims request (a CAE
 * challenge) are copied into the access token.
 *
 * @module
 */
import { randomUUID, type KeyObject } from "node:crypto";
import { keyId, signJwt } from "./jwt.js";

/** Who a token is for and about. */
export interface AccessTokenSubject {
  /** The tenant the token is issued in (`tid`). */
  tenantId: string;
  /** The resource (`aud`). */
  audience: string;
  /** The client (`appid`, `azp`). */
  clientId: string;
  /** The principal (`oid`, `sub`). */
  objectId: string;
  /** Delegated scopes (`scp`), for user tokens. */
  scopes?: string[];
  /** App roles (`roles`), for app-only tokens. */
  roles?: string[];
  /** The user's sign-in name (`upn`, `preferred_username`). */
  username?: string;
  /** The `claims` request parameter, JSON. */
  claimsRequest?: string;
  /** Lifetime in seconds. */
  lifetime: number;
}

/** The signing key and what is derived from it. */
export class TokenSigner {
  readonly #privateKey: KeyObject;
  readonly kid: string;
  /** The JSON Web Key Set publishing the public key. */
  readonly jwks: { keys: Record<string, unknown>[] };

  /**
   * @param key - the RSA key pair that signs tokens.
   */
  constructor(key: { publicKey: KeyObject; privateKey: KeyObject }) {
    this.#privateKey = key.privateKey;
    this.kid = keyId(key.publicKey);
    const jwk = key.publicKey.export({ format: "jwk" });
    this.jwks = {
      keys: [{ kty: "RSA", use: "sig", kid: this.kid, x5t: this.kid, n: jwk.n, e: jwk.e }],
    };
  }

  /** Signs a JWT with the emulator's key. */
  sign(payload: Record<string, unknown>): string {
    return signJwt(payload, this.#privateKey, this.kid);
  }
}

/** The `iss` of tokens issued in a tenant, as the tenant's OIDC document says. */
export function issuerOf(baseUrl: string, tenantId: string): string {
  return `${baseUrl}/${tenantId}/v2.0`;
}

/** Claims the emulator sets itself; a claims request may only raise `nbf`. */
const RESERVED = new Set([
  "aud",
  "iss",
  "iat",
  "exp",
  "tid",
  "oid",
  "sub",
  "appid",
  "azp",
  "ver",
  "uti",
]);

function requestedClaims(claimsRequest: string | undefined, now: number): Record<string, unknown> {
  if (claimsRequest === undefined) return {};
  const parsed = JSON.parse(claimsRequest) as { access_token?: Record<string, unknown> };
  const out: Record<string, unknown> = {};
  for (const [name, ask] of Object.entries(parsed.access_token ?? {})) {
    if (!ask || typeof ask !== "object" || RESERVED.has(name)) continue;
    const spec = ask as { value?: unknown; values?: unknown };
    if (name === "xms_cc" && Array.isArray(spec.values)) out.xms_cc = spec.values;
    else if (name === "nbf") out.nbf = Math.max(now, Number(spec.value) || 0);
    else if (spec.value !== undefined) out[name] = spec.value;
  }
  return out;
}

/** The payload of an access token. */
export function accessTokenClaims(
  baseUrl: string,
  subject: AccessTokenSubject,
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: subject.audience,
    iss: issuerOf(baseUrl, subject.tenantId),
    iat: now,
    nbf: now,
    exp: now + subject.lifetime,
    tid: subject.tenantId,
    oid: subject.objectId,
    sub: subject.objectId,
    appid: subject.clientId,
    azp: subject.clientId,
    ver: "2.0",
    uti: randomUUID(),
    ...(subject.scopes ? { scp: subject.scopes.join(" ") } : {}),
    ...(subject.roles?.length ? { roles: subject.roles } : {}),
    ...(subject.username ? { upn: subject.username, preferred_username: subject.username } : {}),
    ...requestedClaims(subject.claimsRequest, now),
  };
}

/** Splits requested scopes into the resource (`aud`) and the scope names (`scp`). */
export function resourceOf(scopes: readonly string[]): { audience: string; names: string[] } {
  const first = scopes[0] ?? "";
  const slash = first.lastIndexOf("/");
  if (slash <= 0 || !first.includes("://"))
    return { audience: "00000003-0000-0000-c000-000000000000", names: [...scopes] };
  const audience = first.slice(0, slash);
  return {
    audience,
    names: scopes.map((s) => (s.startsWith(`${audience}/`) ? s.slice(audience.length + 1) : s)),
  };
}
