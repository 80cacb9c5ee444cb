/**
 * One table of the object identifiers PKCS#12 files use, with the names that error messages show.
 * The algorithm facts (key sizes, digests, cipher names) live next to their OIDs so supporting
 * another algorithm is a one-line change.
 *
 * @module
 */
import { CertificateError } from "../errors.js";

/** Content types, bag types and attributes (RFC 7292, RFC 5652, RFC 2985). */
export const Oid = {
  data: "1.2.840.113549.1.7.1",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
} as const;

/** A digest usable for the PFX MAC, the PKCS#12 KDF and as PBKDF2's HMAC. */
export interface DigestInfo {
  /** The name `node:crypto` knows. */
  readonly name: string;
  /** Output bytes (u in RFC 7292 Appendix B). */
  readonly outputBytes: number;
  /** Compression block bytes (v in RFC 7292 Appendix B). */
  readonly blockBytes: number;
}

/** MAC digests by OID (the DigestInfo of MacData). */
export const MAC_DIGESTS: ReadonlyMap<string, DigestInfo> = new Map([
  ["1.3.14.3.2.26", { name: "sha1", outputBytes: 20, blockBytes: 64 }],
  ["2.16.840.1.101.3.4.2.4", { name: "sha224", outputBytes: 28, blockBytes: 64 }],
  ["2.16.840.1.101.3.4.2.1", { name: "sha256", outputBytes: 32, blockBytes: 64 }],
  ["2.16.840.1.101.3.4.2.2", { name: "sha384", outputBytes: 48, blockBytes: 128 }],
  ["2.16.840.1.101.3.4.2.3", { name: "sha512", outputBytes: 64, blockBytes: 128 }],
]);

/** PBKDF2 pseudo-random functions by OID (RFC 8018 Appendix B.1). */
export const PBKDF2_PRFS: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.2.7", "sha1"],
  ["1.2.840.113549.2.8", "sha224"],
  ["1.2.840.113549.2.9", "sha256"],
  ["1.2.840.113549.2.10", "sha384"],
  ["1.2.840.113549.2.11", "sha512"],
]);

/** PBES2 encryption schemes by OID (RFC 8018 Appendix B.2, NIST AES). */
export const PBES2_CIPHERS = new Map([
  ["2.16.840.1.101.3.4.1.2", { name: "aes-128-cbc", keyBytes: 16, ivBytes: 16 }],
  ["2.16.840.1.101.3.4.1.22", { name: "aes-192-cbc", keyBytes: 24, ivBytes: 16 }],
  ["2.16.840.1.101.3.4.1.42", { name: "aes-256-cbc", keyBytes: 32, ivBytes: 16 }],
  ["1.2.840.113549.3.7", { name: "des-ede3-cbc", keyBytes: 24, ivBytes: 8 }],
]);

/**
 * The password-based encryption schemes of RFC 7292 Appendix C (SHA-1 with the PKCS#12 KDF) by
 * OID: the cipher (`rc2-cbc` is this package's RC2, `des-ede-cbc` two-key 3DES), the key bytes the
 * KDF makes, RC2's effective key bits.
 */
export const PKCS12_PBES = new Map([
  ["1.2.840.113549.1.12.1.3", { cipher: "des-ede3-cbc", keyBytes: 24 }],
  ["1.2.840.113549.1.12.1.4", { cipher: "des-ede-cbc", keyBytes: 16 }],
  ["1.2.840.113549.1.12.1.5", { cipher: "rc2-cbc", keyBytes: 16, effectiveBits: 128 }],
  ["1.2.840.113549.1.12.1.6", { cipher: "rc2-cbc", keyBytes: 5, effectiveBits: 40 }],
]);

/** Names for error messages; MAC digests and PBES2 ciphers are named by their tables. */
const NAMES: ReadonlyMap<string, string> = new Map([
  ["1.2.840.113549.1.7.1", "data"],
  ["1.2.840.113549.1.7.2", "signedData"],
  ["1.2.840.113549.1.7.3", "envelopedData"],
  ["1.2.840.113549.1.7.6", "encryptedData"],
  ["1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4"],
  ["1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4"],
  ["1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC"],
  ["1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC"],
  ["1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC"],
  ["1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC"],
  ["1.2.840.113549.1.5.3", "pbeWithMD5AndDES-CBC"],
  ["1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC"],
  ["1.2.840.113549.1.5.12", "PBKDF2"],
  ["1.2.840.113549.1.5.13", "PBES2"],
  ["1.2.840.113549.1.5.14", "PBMAC1"],
  ["1.3.6.1.4.1.11591.4.11", "scrypt"],
  ["1.2.840.113549.2.5", "md5"],
  ["2.16.840.1.101.3.4.2.5", "sha512-224"],
  ["2.16.840.1.101.3.4.2.6", "sha512-256"],
  ...[...PBKDF2_PRFS].map(([id, hash]) => [id, hash.replace("sha", "hmacWithSHA")] as const),
  ["1.2.840.113549.3.2", "rc2-cbc"],
  ["1.3.14.3.2.7", "desCBC"],
  ["2.16.840.1.101.3.4.1.6", "aes128-GCM"],
  ["2.16.840.1.101.3.4.1.46", "aes256-GCM"],
]);

/**
 * Builds the error for an algorithm this package does not implement, naming it by name and OID:
 * `"pbeWithSHAAnd128BitRC4 (1.2.840.113549.1.12.1.1)"`, or `"unknown algorithm <oid>"`.
 *
 * @param oid - the OID found.
 * @param where - the structure that named it, e.g. `"shrouded key bag"`.
 * @returns a CertificateError `ERR_PKCS12_UNSUPPORTED_ALGORITHM`.
 */
export function unsupportedAlgorithm(oid: string, where: string): CertificateError {
  const name = NAMES.get(oid) ?? MAC_DIGESTS.get(oid)?.name ?? PBES2_CIPHERS.get(oid)?.name;
  return new CertificateError(
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    `the ${where} uses ${name ? `${name} (${oid})` : `unknown algorithm ${oid}`}, which is not supported`,
  );
}

/**
 * Looks an algorithm up in one of the tables above.
 *
 * @param table - e.g. {@link MAC_DIGESTS}.
 * @param oid - the OID found.
 * @param where - the structure that named it.
 * @returns the facts of the algorithm.
 * @throws CertificateError `ERR_PKCS12_UNSUPPORTED_ALGORITHM` when the table lacks it.
 */
export function supported<T>(table: ReadonlyMap<string, T>, oid: string, where: string): T {
  const facts = table.get(oid);
  if (facts === undefined) throw unsupportedAlgorithm(oid, where);
  return facts;
}
