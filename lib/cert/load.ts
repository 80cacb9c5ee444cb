import { readFileSync } from "node:fs";
import { CertificateError, InvalidArgumentError } from "../errors.js";
import type { CertificateBundle } from "./bundle.js";
import { looksLikePem } from "./detect.js";
import { parsePem } from "./pem.js";
import { parsePkcs12 } from "./pkcs12.js";

const DER_SEQUENCE = 0x30;

/** Where a certificate comes from: a file path, or the file's contents. */
export type CertificateSource =
  | { certificatePath: string; certificate?: undefined; certificatePassword?: string | Uint8Array }
  | {
      certificate: string | Uint8Array;
      certificatePath?: undefined;
      certificatePassword?: string | Uint8Array;
    };

/**
 * Reads a certificate with its private key from a path or from contents, detecting the format
 * from the content (PEM text, else PKCS#12). Errors name the credential first.
 *
 * @throws InvalidArgumentError when neither or both of `certificatePath` and `certificate` are given.
 * @throws CertificateError with the codes of the format readers, or `ERR_CERT_READ` for an unreadable file.
 */
export function loadCertificate(
  credentialName: string,
  source: CertificateSource,
): CertificateBundle {
  const hasPath = source.certificatePath !== undefined;
  const hasData = source.certificate !== undefined;
  if (hasPath === hasData) {
    throw new InvalidArgumentError(
      `${credentialName}: pass exactly one of "certificatePath" and "certificate".`,
    );
  }
  try {
    let data: Uint8Array;
    if (hasPath) {
      if (typeof source.certificatePath !== "string" || source.certificatePath === "") {
        throw new InvalidArgumentError(
          `${credentialName}: "certificatePath" must be a non-empty string.`,
        );
      }
      try {
        data = readFileSync(source.certificatePath);
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code ?? "unknown error";
        throw new CertificateError(
          "ERR_CERT_READ",
          `cannot read the certificate file ${JSON.stringify(source.certificatePath)} (${code})`,
          { cause },
        );
      }
    } else if (typeof source.certificate === "string") {
      data = Buffer.from(
        source.certificate,
        looksLikePem(Buffer.from(source.certificate)) ? "utf8" : "base64",
      );
    } else if (source.certificate instanceof Uint8Array) {
      data = source.certificate;
    } else {
      throw new InvalidArgumentError(
        `${credentialName}: "certificate" must be PEM text, base64 PKCS#12 text, a Buffer or a Uint8Array.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    const password = source.certificatePassword;
    if (
      password !== undefined &&
      typeof password !== "string" &&
      !(password instanceof Uint8Array)
    ) {
      throw new InvalidArgumentError(
        `${credentialName}: "certificatePassword" must be a string, a Buffer or a Uint8Array.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    if (looksLikePem(data)) return parsePem(Buffer.from(data).toString("utf8"), password);
    if (data[0] === DER_SEQUENCE) return parsePkcs12(data, password);
    throw new CertificateError(
      "ERR_CERT_FORMAT",
      "the certificate data is neither PEM text nor a PKCS#12 (DER) file",
    );
  } catch (error) {
    if (error instanceof CertificateError) {
      throw new CertificateError(error.code, `${credentialName}: ${error.message}`, {
        cause: error.cause,
      });
    }
    throw error;
  }
}
