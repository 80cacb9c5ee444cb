import { CertificateError, InvalidArgumentError } from "../errors.js";
import type { CertificateBundle } from "./bundle.js";
import { checkPassword, looksLikePem, parseCertificateData } from "./certificate_format.js";
import { readRegularFile } from "../util/read_file.js";

/** Where a certificate comes from: a file path, or the file's contents. */
export type CertificateSource = { certificatePassword?: string | Uint8Array } & (
  | { certificatePath: string; certificate?: undefined }
  | { certificate: string | Uint8Array; certificatePath?: undefined }
);

function certificateBytes(credentialName: string, source: CertificateSource): Uint8Array {
  const { certificatePath: path, certificate } = source;
  if (path === undefined) {
    if (typeof certificate === "string")
      return Buffer.from(certificate, looksLikePem(certificate) ? "utf8" : "base64");
    if (certificate instanceof Uint8Array) return certificate;
    throw new InvalidArgumentError(
      `${credentialName}: "certificate" must be PEM text, base64 PKCS#12 text, a Buffer or a Uint8Array.`,
      "ERR_INVALID_ARG_TYPE",
    );
  }
  if (typeof path !== "string" || path === "")
    throw new InvalidArgumentError(
      `${credentialName}: "certificatePath" must be a non-empty string.`,
    );
  // At most 1 MiB: real PEM and PKCS#12 files are a few kilobytes.
  return readRegularFile(path, 1024 * 1024, (detail, cause) => {
    return new CertificateError("ERR_CERT_READ", `cannot read the certificate file ${detail}`, {
      cause,
    });
  });
}

/**
 * Reads a certificate with its private key from a path or from contents, detecting the format
 * from the content (PEM text, else PKCS#12). Errors name the credential first. The file is read
 * and PEM decoded at once; PKCS#12 is decoded in the background (its code loads on demand) and
 * the returned promise carries its errors, e.g. a wrong password, to the first use.
 *
 * @throws InvalidArgumentError when neither or both of `certificatePath` and `certificate` are given.
 * @throws CertificateError with the codes of the format readers, or `ERR_CERT_READ` for a file
 *   that is missing, not a regular file, over 1 MiB, or a "path" that holds contents.
 */
export function loadCertificate(
  credentialName: string,
  source: CertificateSource,
): CertificateBundle | Promise<CertificateBundle> {
  if ((source.certificatePath === undefined) === (source.certificate === undefined))
    throw new InvalidArgumentError(
      `${credentialName}: pass exactly one of "certificatePath" and "certificate".`,
    );
  const named = (error: unknown) => {
    if (!(error instanceof CertificateError)) return error;
    return new CertificateError(error.code, `${credentialName}: ${error.message}`, {
      cause: error.cause,
    });
  };
  try {
    const data = certificateBytes(credentialName, source);
    checkPassword(source.certificatePassword, `${credentialName}: `);
    const bundle = parseCertificateData(data, source.certificatePassword);
    if (!(bundle instanceof Promise)) return bundle;
    const pending = bundle.catch((error: unknown) => Promise.reject(named(error)));
    // Handled here so a credential that is never used does not crash the process; `await` still throws.
    pending.catch(() => undefined);
    return pending;
  } catch (error) {
    throw named(error);
  }
}
