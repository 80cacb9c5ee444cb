/**
 * Client authentication at the token endpoint, as Entra checks it: a client secret, a certificate
 * assertion (signature against a registered certificate chosen by `x5t`/`x5t#S256`, `aud`,
 * `iss`/`sub`, `exp`/`nbf`, `jti` replay), or a federated assertion from a registered issuer.
 *
 * @module
 */
import { constants, createHash, createPublicKey, verify, X509Certificate } from "node:crypto";
import type { Application, FederatedCredential } from "./directory.js";
import { decodeJwt, type DecodedJwt } from "./jwt.js";
import { failure, type EntraFailure } from "./replies.js";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const DEFAULT_FEDERATED_AUDIENCE = "api://AzureADTokenExchange";

/** What the check needs besides the request: the token endpoint (`aud`) and seen `jti`s. */
export interface ClientAuthContext {
  tokenEndpoint: string;
  usedJti: Set<string>;
  nowSeconds: number;
}

const bad = (code: number, description: string) =>
  failure(401, "invalid_client", code, description);

/** Checks the client authentication of a token request; `undefined` when it passes. */
export function checkClientAuth(
  app: Application,
  form: Record<string, string>,
  context: ClientAuthContext,
): EntraFailure | undefined {
  if (form.client_secret !== undefined && form.client_assertion !== undefined)
    return bad(700025, "Client is presenting both a secret and an assertion.");
  if (form.client_secret !== undefined) {
    if (app.clientSecret !== undefined && form.client_secret === app.clientSecret) return undefined;
    return bad(
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  }
  if (form.client_assertion !== undefined) return checkAssertion(app, form, context);
  return bad(
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  );
}

function checkAssertion(
  app: Application,
  form: Record<string, string>,
  context: ClientAuthContext,
): EntraFailure | undefined {
  if (form.client_assertion_type !== JWT_BEARER)
    return bad(700024, "Client assertion type is invalid.");
  const jwt = decodeJwt(form.client_assertion!);
  if (!jwt) return bad(50027, "JWT token is invalid or malformed.");
  const federated = (app.federatedCredentials ?? []).find(
    (f) => f.issuer === jwt.payload.iss && f.subject === jwt.payload.sub,
  );
  if (federated) return checkFederated(federated, jwt, context);
  const failed = checkCertificateSignature(app, jwt);
  if (failed) return failed;
  if (jwt.payload.aud !== context.tokenEndpoint)
    return bad(
      700021,
      "Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials.",
    );
  if (jwt.payload.iss !== app.clientId || jwt.payload.sub !== app.clientId)
    return bad(700023, "Client assertion issuer and subject must be the client id.");
  return checkLifetimeAndReplay(jwt, context);
}

function checkCertificateSignature(app: Application, jwt: DecodedJwt): EntraFailure | undefined {
  const certs = (app.certificates ?? []).map((pem) => new X509Certificate(pem));
  const { alg } = jwt.header;
  let cert: X509Certificate | undefined;
  if (alg === "RS256" && typeof jwt.header.x5t === "string") {
    // MSAL Python pads its x5t with "="; Entra accepts it.
    const x5t = jwt.header.x5t.replace(/=+$/, "");
    cert = certs.find((c) => thumbprint("sha1", c) === x5t);
  } else if (alg === "PS256" && typeof jwt.header["x5t#S256"] === "string") {
    cert = certs.find((c) => thumbprint("sha256", c) === jwt.header["x5t#S256"]);
  } else {
    return bad(
      5002738,
      `Invalid JWT token. '${String(alg)}' is not a supported signature algorithm or the thumbprint header is missing.`,
    );
  }
  if (!cert)
    return bad(
      700027,
      "Client assertion contains an invalid signature. [Reason - The key was not found.]",
    );
  if (jwt.header.x5c !== undefined) {
    const chain = jwt.header.x5c;
    if (!Array.isArray(chain) || chain[0] !== cert.raw.toString("base64"))
      return bad(700027, "Client assertion x5c does not start with the signing certificate.");
  }
  const key = createPublicKey(cert.publicKey.export({ format: "pem", type: "spki" }));
  const ok =
    alg === "RS256"
      ? verify("sha256", jwt.signingInput, key, jwt.signature)
      : verify(
          "sha256",
          jwt.signingInput,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
          jwt.signature,
        );
  if (!ok)
    return bad(
      700027,
      "Client assertion contains an invalid signature. [Reason - The signature could not be verified.]",
    );
  return undefined;
}

function checkFederated(
  federated: FederatedCredential,
  jwt: DecodedJwt,
  context: ClientAuthContext,
): EntraFailure | undefined {
  if (jwt.header.alg !== "RS256")
    return bad(5002738, `Invalid JWT token. '${String(jwt.header.alg)}' is not supported.`);
  let ok = false;
  try {
    const key = federated.publicKey.includes("CERTIFICATE")
      ? new X509Certificate(federated.publicKey).publicKey
      : createPublicKey(federated.publicKey);
    ok = verify("sha256", jwt.signingInput, key, jwt.signature);
  } catch {
    ok = false;
  }
  if (!ok)
    return bad(
      700213,
      `No matching federated identity record found for presented assertion subject '${federated.subject}'. The signature could not be verified.`,
    );
  const audiences = federated.audiences ?? [DEFAULT_FEDERATED_AUDIENCE];
  const aud = jwt.payload.aud;
  const asked = Array.isArray(aud) ? aud : [aud];
  if (!asked.some((a) => typeof a === "string" && audiences.includes(a)))
    return bad(
      700212,
      `No matching federated identity record found for presented assertion audience '${String(aud)}'.`,
    );
  return checkLifetimeAndReplay(jwt, context, false);
}

function checkLifetimeAndReplay(
  jwt: DecodedJwt,
  context: ClientAuthContext,
  replayCheck = true,
): EntraFailure | undefined {
  const { exp, nbf, jti } = jwt.payload;
  if (typeof exp !== "number" || exp <= context.nowSeconds)
    return bad(700024, "Client assertion is not within its valid time range.");
  if (typeof nbf === "number" && nbf > context.nowSeconds + 300)
    return bad(700024, "Client assertion is not within its valid time range.");
  // A federated token is reused for its whole lifetime (a projected Kubernetes token file).
  if (!replayCheck) return undefined;
  if (typeof jti !== "string" || context.usedJti.has(jti))
    return bad(700025, "Client assertion has been used before (jti replay).");
  context.usedJti.add(jti);
  return undefined;
}

function thumbprint(algorithm: "sha1" | "sha256", cert: X509Certificate): string {
  return createHash(algorithm).update(cert.raw).digest("base64url");
}
