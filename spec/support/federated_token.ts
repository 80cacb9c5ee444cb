/**
 * Federated tokens the fake Entra accepts: JWTs signed with the fixture certificate it registers
 * for the app, as an external identity provider (Kubernetes, Azure Pipelines) would sign them.
 *
 * @module
 */
import type { CertificateBundle } from "../../lib/cert/bundle.js";
import { loadCertificate } from "../../lib/cert/load.js";
import { createClientAssertion } from "../../lib/oauth/assertion.js";
import { fixturePath, readFixture } from "./fixtures.js";

/** The certificate to register with the fake Entra for apps using {@link federatedToken}. */
export const FEDERATION_CERTIFICATE = readFixture("certs/cert_only.pem");

/** A fresh federated token for `clientId`, valid at `audience` (the fake's token endpoint). */
export function federatedToken(clientId: string, audience: string): string {
  // PEM is decoded at once: only PKCS#12 comes back as a promise.
  const certificate = loadCertificate("test", {
    certificatePath: fixturePath("certs/cert.pem"),
  }) as CertificateBundle;
  return createClientAssertion({
    certificate,
    clientId,
    audience,
    algorithm: "RS256",
    sendCertificateChain: false,
    nowSeconds: Date.now() / 1000,
  });
}
