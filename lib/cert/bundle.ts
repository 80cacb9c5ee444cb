import type { KeyObject, X509Certificate } from "node:crypto";
import { CertificateError } from "../errors.js";

/** A private key with its signing certificate and chain, whatever file format it came from. */
export interface CertificateBundle {
  /** The RSA private key, parsed once. */
  privateKey: KeyObject;
  /** The certificate whose public key matches `privateKey`. */
  certificate: X509Certificate;
  /** `certificate` first, then the other certificates of the file in file order (for `x5c`). */
  chain: X509Certificate[];
  /** SHA-1 digest of the signing certificate's DER (`x5t`). */
  thumbprintSha1: Buffer;
  /** SHA-256 digest of the signing certificate's DER (`x5t#S256`). */
  thumbprintSha256: Buffer;
}

const MIN_RSA_BITS = 2048;

/**
 * Parses the certificates of a file, in file order. Shared by the PEM and PKCS#12 readers.
 *
 * @param encodings - PEM text or DER of each certificate.
 * @param source - names the file in messages, e.g. `"PEM data"`.
 * @throws CertificateError `ERR_CERT_NO_CERTIFICATE` for none, `ERR_CERT_FORMAT` naming the
 * certificate that does not parse.
 */
export function parseCertificates(
  encodings: Array<string | Uint8Array>,
  source: string,
): X509Certificate[] {
  if (encodings.length === 0)
    throw new CertificateError("ERR_CERT_NO_CERTIFICATE", `the ${source} holds no certificate`);
  return encodings.map((encoding, index) => {
    try {
      return new (process.getBuiltinModule("node:crypto").X509Certificate)(encoding);
    } catch (cause) {
      throw new CertificateError(
        "ERR_CERT_FORMAT",
        `certificate ${index + 1} in the ${source} could not be parsed`,
        { cause },
      );
    }
  });
}

/**
 * Pairs a private key with the certificate that holds its public key and checks the key is RSA of
 * at least 2048 bits. Shared by the PEM and PKCS#12 readers.
 *
 * @param privateKey - the key of the file.
 * @param certificates - from {@link parseCertificates}, so never empty.
 * @throws CertificateError `ERR_CERT_KEY_MISMATCH`, `ERR_CERT_KEY_TYPE`, `ERR_CERT_KEY_SIZE`.
 */
export function assembleBundle(
  privateKey: KeyObject,
  certificates: X509Certificate[],
): CertificateBundle {
  const type = privateKey.asymmetricKeyType;
  if (type !== "rsa")
    throw new CertificateError(
      "ERR_CERT_KEY_TYPE",
      `the private key is ${type?.toUpperCase() ?? "of an unknown type"}; Entra client assertions need an RSA key`,
    );
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new CertificateError(
      "ERR_CERT_KEY_SIZE",
      `the RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`,
    );
  const signing = certificates.find((cert) => cert.checkPrivateKey(privateKey));
  if (!signing)
    throw new CertificateError(
      "ERR_CERT_KEY_MISMATCH",
      "the private key does not match any certificate in the data",
    );
  return {
    privateKey,
    certificate: signing,
    chain: [signing, ...certificates.filter((cert) => cert !== signing)],
    thumbprintSha1: process
      .getBuiltinModule("node:crypto")
      .createHash("sha1")
      .update(signing.raw)
      .digest(),
    thumbprintSha256: process
      .getBuiltinModule("node:crypto")
      .createHash("sha256")
      .update(signing.raw)
      .digest(),
  };
}
