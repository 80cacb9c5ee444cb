/**
 * Tells certificate file formats apart by content, never by file name: PEM is text with
 * `-----BEGIN` armour; anything else that starts as a DER SEQUENCE is read as PKCS#12.
 *
 * @module
 */
import { CertificateError, InvalidArgumentError } from "../errors.js";
import type { CertificateBundle } from "./bundle.js";
import { parsePem } from "./pem.js";

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
 * @returns the key with its certificate and chain; for PKCS#12 a promise, since its decoder (DER
 *   reader, KDF, ciphers, RC2) is loaded only when a PKCS#12 file is met.
 * @throws CertificateError `ERR_CERT_FORMAT` for data that is neither, and the codes of `parsePem`
 * and `parsePkcs12`.
 */
export function parseCertificateData(
  data: Uint8Array,
  password: string | Uint8Array | undefined,
): CertificateBundle | Promise<CertificateBundle> {
  if (looksLikePem(data)) return parsePem(Buffer.from(data).toString("utf8"), password);
  if (data[0] === 0x30) return import("./pkcs12.js").then((m) => m.parsePkcs12(data, password));
  throw new CertificateError(
    "ERR_CERT_FORMAT",
    "the certificate data is neither PEM text nor a PKCS#12 (DER) file",
  );
}

/**
 * The one check of a password's type, a mistake only JavaScript callers can make; the credential
 * runs it for both file formats, {@link parsePkcs12} for its direct callers.
 *
 * @param password - the caller's `certificatePassword`.
 * @param prefix - starts the message, e.g. the credential's name and `": "`.
 * @throws InvalidArgumentError `ERR_INVALID_ARG_TYPE` unless it is absent, a string or bytes.
 */
export function checkPassword(password: unknown, prefix = ""): void {
  if (password !== undefined && typeof password !== "string" && !(password instanceof Uint8Array))
    throw new InvalidArgumentError(
      `${prefix}"certificatePassword" must be a string, a Buffer or a Uint8Array.`,
      "ERR_INVALID_ARG_TYPE",
    );
}
