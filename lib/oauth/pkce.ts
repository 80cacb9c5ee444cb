/** A PKCE pair (RFC 7636): the verifier stays here, the challenge goes to `/authorize`. */
export interface PkcePair {
  /** 43 base64url characters from 32 random octets; sent only to the token endpoint. */
  verifier: string;
  /** `BASE64URL(SHA256(verifier))`. */
  challenge: string;
  /** Always `S256`. */
  method: "S256";
}

/** The characters and length RFC 7636 §4.1 allows in a code verifier. */
export const CODE_VERIFIER_PATTERN = /^[A-Za-z0-9._~-]{43,128}$/;

/** The S256 code challenge of a verifier. */
export function codeChallengeS256(verifier: string): string {
  return process
    .getBuiltinModule("node:crypto")
    .createHash("sha256")
    .update(verifier, "ascii")
    .digest("base64url");
}

/**
 * Creates a fresh PKCE pair for one sign-in.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export function createPkcePair(): PkcePair {
  const verifier = process.getBuiltinModule("node:crypto").randomBytes(32).toString("base64url");
  return { verifier, challenge: codeChallengeS256(verifier), method: "S256" };
}

/** A fresh `state` value for one sign-in: 32 random octets, base64url. */
export function createState(): string {
  return process.getBuiltinModule("node:crypto").randomBytes(32).toString("base64url");
}

/**
 * Compares two strings in time that depends on neither's content: both are hashed first, so even
 * their lengths are not revealed by timing.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const { createHash, timingSafeEqual } = process.getBuiltinModule("node:crypto");
  const left = createHash("sha256").update(a, "utf8").digest();
  const right = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}
