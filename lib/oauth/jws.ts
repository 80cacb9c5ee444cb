import type { KeyObject } from "node:crypto";
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from "./algorithms.js";

/** base64url without padding (RFC 7515 §2). */
export function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString("base64url");
}

/** Signs a JWS signing input (`b64(header).b64(payload)`) and returns the base64url signature. */
export function signJwsInput(
  signingInput: string,
  key: KeyObject,
  algorithm: AssertionAlgorithm,
): string {
  const facts = ASSERTION_ALGORITHMS[algorithm];
  const signature = process
    .getBuiltinModule("node:crypto")
    .sign(facts.digest, Buffer.from(signingInput), {
      key,
      padding: facts.padding,
      saltLength: facts.saltLength,
    });
  return base64url(signature);
}

/** Builds a compact JWS (RFC 7515 §7.1) of a JSON header and payload. */
export function signCompactJws(
  header: object,
  payload: object,
  key: KeyObject,
  algorithm: AssertionAlgorithm,
): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  return `${signingInput}.${signJwsInput(signingInput, key, algorithm)}`;
}
