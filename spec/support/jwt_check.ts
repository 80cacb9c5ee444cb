import { createPublicKey, verify, type JsonWebKey } from "node:crypto";

/** A JSON Web Key Set, as served at `discovery/v2.0/keys`. */
export interface Jwks {
  keys: Array<Record<string, unknown>>;
}

function decode(part: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part ?? "", "base64url").toString("utf8"));
    return value !== null && typeof value === "object"
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks an RS256 JWT's signature against the key of `jwks` its header's `kid` names, with
 * `node:crypto` only, and its `exp`. Returns the payload, or why the token is refused.
 */
export function verifyJwt(token: string, jwks: Jwks): Record<string, unknown> | string {
  const [headerPart, payloadPart, signaturePart] = token.split(".");
  const header = decode(headerPart);
  const payload = decode(payloadPart);
  if (!header || !payload || signaturePart === undefined) return "malformed token";
  if (header.alg !== "RS256") return `unexpected alg ${String(header.alg)}`;
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk) return `no key ${String(header.kid)} in the JWKS`;
  const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
  const signed = Buffer.from(`${headerPart}.${payloadPart}`);
  if (!verify("sha256", signed, key, Buffer.from(signaturePart, "base64url")))
    return "bad signature";
  if (typeof payload.exp !== "number" || payload.exp * 1000 < Date.now()) return "expired";
  return payload;
}
