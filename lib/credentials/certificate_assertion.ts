import { loadCertificate, type CertificateSource } from "../cert/load.js";
import { InvalidArgumentError } from "../errors.js";
import type { AssertionAlgorithm } from "../oauth/algorithms.js";
import { createClientAssertion } from "../oauth/assertion.js";
import type { ClientAuthentication } from "../oauth/client_auth.js";

/** The certificate settings shared by `ClientCertificateCredential` and `OnBehalfOfCredential`. */
export interface CertificateAssertionOptions {
  /** Put the certificate chain in `x5c` (subject name / issuer authentication). */
  sendCertificateChain?: boolean;
  /** `RS256` with `x5t` (default) or `PS256` with `x5t#S256`. */
  assertionAlgorithm?: AssertionAlgorithm;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
}

/**
 * Reads the certificate once and returns the client authentication that signs a fresh assertion
 * for every request.
 *
 * @throws InvalidArgumentError for an unknown `assertionAlgorithm`.
 * @throws CertificateError for an unusable certificate.
 */
export function certificateAuthentication(
  credentialName: string,
  clientId: string,
  source: CertificateSource,
  options: CertificateAssertionOptions,
): ClientAuthentication {
  const algorithm = options.assertionAlgorithm ?? "RS256";
  if (algorithm !== "RS256" && algorithm !== "PS256") {
    throw new InvalidArgumentError(
      `${credentialName}: "assertionAlgorithm" must be "RS256" or "PS256".`,
    );
  }
  const certificate = loadCertificate(credentialName, source);
  const now = options.now ?? Date.now;
  return {
    kind: "assertion",
    getAssertion: async (audience) =>
      createClientAssertion({
        certificate: await certificate,
        clientId,
        audience,
        algorithm,
        sendCertificateChain: options.sendCertificateChain === true,
        nowSeconds: now() / 1000,
      }),
  };
}
