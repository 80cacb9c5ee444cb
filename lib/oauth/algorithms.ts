/** The signature algorithms a client assertion may use. */
export type AssertionAlgorithm = "RS256" | "PS256";

/** How each assertion algorithm signs and which certificate thumbprint header it carries. */
export interface AlgorithmFacts {
  readonly digest: "sha256";
  readonly padding: number;
  readonly saltLength?: number;
  readonly thumbprintHeader: "x5t" | "x5t#S256";
  readonly thumbprint: "sha1" | "sha256";
}

/**
 * One table for algorithm facts: RS256 with the SHA-1 `x5t` (the default, accepted by every Entra
 * and ADFS deployment) and PS256 with `x5t#S256` (what Entra's current docs recommend).
 * @see https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export const ASSERTION_ALGORITHMS: Readonly<Record<AssertionAlgorithm, AlgorithmFacts>> = {
  RS256: {
    digest: "sha256",
    padding: 1, // crypto.constants.RSA_PKCS1_PADDING, fixed by OpenSSL
    thumbprintHeader: "x5t",
    thumbprint: "sha1",
  },
  PS256: {
    digest: "sha256",
    padding: 6, // crypto.constants.RSA_PKCS1_PSS_PADDING
    saltLength: 32,
    thumbprintHeader: "x5t#S256",
    thumbprint: "sha256",
  },
};
