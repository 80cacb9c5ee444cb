/**
 * Compact JWS for the emulator: signing RS256 tokens with its key and reading the parts of a JWT
 * a client sent (the signature is checked where the key is known).
 *
 * @module
 */
import { createHash, sign, type KeyObject } from "node:crypto";

/** A JWT split into its decoded header and payload and the bytes its signature covers. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

function part(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Decodes a compact JWT, or `undefined` when it is not one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const header = part(parts[0]!);
  const payload = part(parts[1]!);
  if (!header || !payload) return undefined;
  return {
    header,
    payload,
    signingInput: Buffer.from(`${parts[0]}.${parts[1]}`),
    signature: Buffer.from(parts[2]!, "base64url"),
  };
}

/** Signs `payload` with RS256 under key id `kid`. */
export function signJwt(payload: Record<string, unknown>, key: KeyObject, kid: string): string {
  const header = { typ: "JWT", alg: "RS256", kid };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/** The key id Entra-style: the base64url SHA-1 thumbprint of the public key's DER. */
export function keyId(publicKey: KeyObject): string {
  return createHash("sha1")
    .update(publicKey.export({ format: "der", type: "spki" }))
    .digest("base64url");
}
