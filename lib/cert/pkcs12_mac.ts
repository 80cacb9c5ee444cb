/**
 * The password integrity mode of PKCS#12 (RFC 7292 §4, §5): an HMAC over the AuthenticatedSafe,
 * keyed by the PKCS#12 KDF.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { type DerNode, octetString, oid, sequence, smallInteger } from "./der.js";
import { unsupportedAlgorithm } from "./pbe.js";
import { checkIterations, pkcs12Kdf } from "./pkcs12_kdf.js";
import { type DigestInfo, MAC_DIGESTS } from "./pkcs12_oids.js";

/** The fields of a MacData. */
export interface MacData {
  /** The digest of the HMAC and of the KDF. */
  readonly digest: DigestInfo;
  readonly salt: Uint8Array;
  readonly iterations: number;
  readonly expected: Uint8Array;
}

/**
 * Reads and checks a MacData structure.
 *
 * @param node - the MacData SEQUENCE.
 * @returns its fields.
 * @throws CertificateError `ERR_PKCS12_UNSUPPORTED_ALGORITHM` naming the MAC digest (e.g. md5 or
 * PBMAC1), `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`.
 */
export function readMacData(node: DerNode): MacData {
  const [digestInfo, saltNode, iterationsNode] = sequence(node, "MacData", 2);
  const [algorithm, digestNode] = sequence(digestInfo, "MAC DigestInfo", 2);
  const [digestOid] = sequence(algorithm, "MAC algorithm", 1);
  const id = oid(digestOid, "MAC algorithm");
  const digest = MAC_DIGESTS.get(id);
  if (!digest) throw unsupportedAlgorithm(id, "MAC");
  const iterations =
    iterationsNode === undefined ? 1 : smallInteger(iterationsNode, "MAC iterations");
  checkIterations(iterations, "MAC");
  return {
    digest,
    salt: octetString(saltNode, "MAC salt"),
    iterations,
    expected: octetString(digestNode, "MAC digest"),
  };
}

/**
 * Whether the MAC over `authSafe` verifies with the given KDF password bytes.
 *
 * @param mac - from {@link readMacData}.
 * @param authSafe - the AuthenticatedSafe DER, exactly as stored.
 * @param bmpPassword - the password as the PKCS#12 KDF takes it.
 * @returns true when the HMAC matches, compared in constant time.
 */
export function macMatches(mac: MacData, authSafe: Uint8Array, bmpPassword: Uint8Array): boolean {
  const digest = mac.digest;
  const key = pkcs12Kdf(digest, bmpPassword, mac.salt, mac.iterations, 3, digest.outputBytes);
  const actual = createHmac(digest.name, key).update(authSafe).digest();
  key.fill(0);
  return actual.length === mac.expected.length && timingSafeEqual(actual, mac.expected);
}
