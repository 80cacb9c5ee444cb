/**
 * Tells certificate file formats apart by content, never by file name: PEM is text with
 * `-----BEGIN` armour; anything else that starts as a DER SEQUENCE is read as PKCS#12.
 *
 * @module
 */
import { CertificateError } from "../errors.js";
import type { CertificateBundle } from "./bundle.js";
import { parsePem } from "./pem.js";
import { parsePkcs12 } from "./pkcs12.js";

/**
 * Whether `data` looks like PEM (contains a `-----BEGIN` line anywhere, so leading text and a BOM
 * are fine).
 *
 * @param data - the file contents, or text.
 * @returns true for PEM text.
 */
export function looksLikePem(data: string | Uint8Array): boolean {
  return Buffer.from(data).includes("-----BEGIN");
}

/**
 * Reads certificate file contents in whichever format they are: PEM text, else PKCS#12.
 *
 * @param data - the file contents.
 * @param password - decrypts an encrypted PEM key or a PKCS#12 file.
 * @returns the key with its certificate and chain.
 * @throws CertificateError `ERR_CERT_FORMAT` for data that is neither, and the codes of `parsePem`
 * and `parsePkcs12`.
 */
export function parseCertificateData(
  data: Uint8Array,
  password: string | Uint8Array | undefined,
): CertificateBundle {
  if (looksLikePem(data)) return parsePem(Buffer.from(data).toString("utf8"), password);
  if (data[0] === 0x30) return parsePkcs12(data, password);
  throw new CertificateError(
    "ERR_CERT_FORMAT",
    "the certificate data is neither PEM text nor a PKCS#12 (DER) file",
  );
}
