import type { CertificateBundle } from "../cert/bundle.js";
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from "./algorithms.js";
import { base64url, signCompactJws } from "./jws.js";

/** How long a client assertion is valid: Entra accepts up to ten minutes. */
export const ASSERTION_LIFETIME_S = 600;

/** Inputs of one client assertion. */
export interface ClientAssertionInput {
  certificate: CertificateBundle;
  clientId: string;
  /** The exact token endpoint URL the assertion will be sent to. */
  audience: string;
  algorithm: AssertionAlgorithm;
  /** Put the certificate chain in `x5c` (subject name / issuer authentication). */
  sendCertificateChain: boolean;
  /** Seconds since the epoch. */
  nowSeconds: number;
  jti?: string;
}

/**
 * Builds and signs a client assertion JWT (RFC 7523): `aud` = token endpoint, `iss` = `sub` =
 * client id, random `jti`, `iat` = `nbf` = now, `exp` = now + 600 s.
 * @see https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export function createClientAssertion(input: ClientAssertionInput): string {
  const facts = ASSERTION_ALGORITHMS[input.algorithm];
  const thumbprint =
    facts.thumbprint === "sha1"
      ? input.certificate.thumbprintSha1
      : input.certificate.thumbprintSha256;
  const header: Record<string, unknown> = {
    alg: input.algorithm,
    typ: "JWT",
    [facts.thumbprintHeader]: base64url(thumbprint),
  };
  if (input.sendCertificateChain)
    header.x5c = input.certificate.chain.map((cert) => cert.raw.toString("base64"));
  const now = Math.floor(input.nowSeconds);
  const payload = {
    aud: input.audience,
    iss: input.clientId,
    sub: input.clientId,
    jti: input.jti ?? process.getBuiltinModule("node:crypto").randomUUID(),
    iat: now,
    nbf: now,
    exp: now + ASSERTION_LIFETIME_S,
  };
  return signCompactJws(header, payload, input.certificate.privateKey, input.algorithm);
}
