/**
 * The password integrity mode of PKCS#12 (RFC 7292 §4, §5): an HMAC over the AuthenticatedSafe,
 * keyed by the PKCS#12 KDF.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { CertificateError } from "../errors.js";
import { type DerNode, octetString, oid, sequence } from "./der.js";
import type { PasswordForm } from "./pbe.js";
import { pkcs12Kdf, readIterations } from "./pkcs12_kdf.js";
import { MAC_DIGESTS, supported } from "./pkcs12_oids.js";

/**
 * Finds the password form under which the MAC over `authSafe` verifies.
 *
 * @param macData - the MacData SEQUENCE.
 * @param authSafe - the AuthenticatedSafe DER, exactly as stored.
 * @param forms - the password forms to try, in order.
 * @returns the first form whose HMAC matches, compared in constant time.
 * @throws CertificateError `ERR_PKCS12_MAC` when none does, `ERR_PKCS12_UNSUPPORTED_ALGORITHM`
 * naming the MAC digest (e.g. md5 or PBMAC1), `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`.
 */
export function verifyMac(
  macData: DerNode,
  authSafe: Uint8Array,
  forms: readonly PasswordForm[],
): PasswordForm {
  const [digestInfo, saltNode, iterationsNode] = sequence(macData, "MacData", 2);
  const [algorithm, digestNode] = sequence(digestInfo, "MAC DigestInfo", 2);
  const [digestOid] = sequence(algorithm, "MAC algorithm", 1);
  const digest = supported(MAC_DIGESTS, oid(digestOid, "MAC algorithm"), "MAC");
  const iterations = iterationsNode === undefined ? 1 : readIterations(iterationsNode, "MAC");
  const salt = octetString(saltNode, "MAC salt");
  const expected = octetString(digestNode, "MAC digest");
  const form = forms.find(({ bmp }) => {
    const key = pkcs12Kdf(digest, bmp, salt, iterations, 3, digest.outputBytes);
    const actual = createHmac(digest.name, key).update(authSafe).digest();
    key.fill(0);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
  if (form) return form;
  const reason =
    forms.length > 1
      ? "the file needs a password, or it is corrupt"
      : "the password is wrong or the file is corrupt";
  throw new CertificateError(
    "ERR_PKCS12_MAC",
    `the PKCS#12 integrity check (MAC) failed: ${reason}`,
  );
}
