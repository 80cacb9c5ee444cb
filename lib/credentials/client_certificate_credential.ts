import type { CertificateSource } from "../cert/load.js";
import { InvalidArgumentError } from "../errors.js";
import type { AssertionAlgorithm } from "../oauth/algorithms.js";
import { AppCredential } from "./app_credential_base.js";
import { certificateAuthentication } from "./certificate_assertion.js";
import type { CommonCredentialOptions } from "../types.js";
import { requireAppTenant, requireString } from "./arguments.js";

/** A certificate given by path: PEM or PKCS#12, detected from the content. */
export interface ClientCertificatePEMCertificatePath {
  /** Path of a PEM file (key and certificate) or a PKCS#12 (`.pfx`/`.p12`) file. */
  certificatePath: string;
  /** Password of an encrypted key or PKCS#12 file. */
  certificatePassword?: string | Uint8Array;
}

/** A certificate given by content: PEM text, base64 PKCS#12 text, or PKCS#12 bytes. */
export interface ClientCertificatePEMCertificate {
  /** PEM text (key and certificate), base64 PKCS#12 text, or PKCS#12 bytes. */
  certificate: string | Uint8Array;
  /** Password of an encrypted key or PKCS#12 file. */
  certificatePassword?: string | Uint8Array;
}

/** Where {@link ClientCertificateCredential} reads its certificate. */
export type ClientCertificateCredentialPEMConfiguration =
  ClientCertificatePEMCertificatePath | ClientCertificatePEMCertificate;

/** Options of {@link ClientCertificateCredential}. */
export interface ClientCertificateCredentialOptions extends CommonCredentialOptions {
  /** Send the certificate chain in the assertion's `x5c` header (subject name / issuer authentication). */
  sendCertificateChain?: boolean;
  /** `RS256` with `x5t` (default) or `PS256` with `x5t#S256`. */
  assertionAlgorithm?: AssertionAlgorithm;
}

/**
 * Authenticates an application with a certificate: each token request carries a client assertion
 * signed with the certificate's private key. Accepts PEM and PKCS#12. `CertificateCredential` is
 * the same class under the name the Python library uses.
 *
 * @example
 * ```ts
 * const credential = new ClientCertificateCredential(tenantId, clientId, "/secrets/app.pem");
 * ```
 * @see https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
export class ClientCertificateCredential extends AppCredential {
  /**
   * @param tenantId - the directory (tenant) id or domain.
   * @param clientId - the application (client) id.
   * @param certificate - a file path, or `{ certificatePath | certificate, certificatePassword? }`.
   * @param options - `sendCertificateChain`, `assertionAlgorithm`, authority, multi-tenant, retry, TLS, logging.
   * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for a missing or malformed argument.
   * @throws CertificateError (`ERR_CERT_READ`, `ERR_CERT_NO_KEY`, `ERR_CERT_PASSWORD`, `ERR_CERT_KEY_MISMATCH`, `ERR_CERT_KEY_TYPE`, …) when the certificate cannot be used.
   */
  constructor(
    tenantId: string,
    clientId: string,
    certificate: string | ClientCertificateCredentialPEMConfiguration,
    options: ClientCertificateCredentialOptions = {},
  ) {
    const name = options.credentialName ?? "ClientCertificateCredential";
    const tenant = requireAppTenant(name, tenantId);
    requireString(name, "clientId", clientId);
    if (
      typeof certificate !== "string" &&
      (certificate === null || typeof certificate !== "object")
    ) {
      throw new InvalidArgumentError(
        `${name}: the third argument must be a certificate path or a certificate configuration object.`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    const source: CertificateSource =
      typeof certificate === "string"
        ? { certificatePath: certificate }
        : (certificate as CertificateSource);
    const auth = certificateAuthentication(name, clientId, source, options);
    super(name, tenant, clientId, auth, options);
  }
}

/** The same class as {@link ClientCertificateCredential}, under the name `azure-identity` (Python) uses. */
export const CertificateCredential = ClientCertificateCredential;
/** The same type as {@link ClientCertificateCredential}. */
export type CertificateCredential = ClientCertificateCredential;
