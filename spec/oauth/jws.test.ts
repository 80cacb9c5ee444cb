import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createPrivateKey, createPublicKey, constants, verify } from "node:crypto";
import { base64url, signCompactJws, signJwsInput } from "../../lib/oauth/jws.js";
import { createClientAssertion } from "../../lib/oauth/assertion.js";
import { parsePem } from "../../lib/cert/pem.js";
import { readFixture } from "../support/fixtures.js";

interface Rfc7520Vector {
  privateKeyPem: string;
  protectedHeader: object;
  encodedHeader: string;
  payload: string;
  encodedPayload: string;
  signature: string;
}

describe("JWS signing", () => {
  test("RFC 7520 §4.1 RS256 reproduces byte for byte", () => {
    const vector = JSON.parse(readFixture("vectors/rfc7520_4_1.json")) as Rfc7520Vector;
    assert.equal(base64url(JSON.stringify(vector.protectedHeader)), vector.encodedHeader);
    assert.equal(base64url(vector.payload), vector.encodedPayload);
    const key = createPrivateKey(vector.privateKeyPem);
    assert.equal(
      signJwsInput(`${vector.encodedHeader}.${vector.encodedPayload}`, key, "RS256"),
      vector.signature,
    );
  });

  test("PS256 signatures verify with PSS, salt 32", () => {
    const bundle = parsePem(readFixture("certs/cert.pem"));
    const jws = signCompactJws({ alg: "PS256" }, { a: 1 }, bundle.privateKey, "PS256");
    const [h, p, s] = jws.split(".");
    const ok = verify(
      "sha256",
      Buffer.from(`${h}.${p}`),
      {
        key: createPublicKey(bundle.privateKey),
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      },
      Buffer.from(s!, "base64url"),
    );
    assert.ok(ok);
  });
});

describe("client assertion", () => {
  const bundle = parsePem(readFixture("certs/cert.pem"));
  const input = {
    certificate: bundle,
    clientId: "client-1",
    audience: "https://login.microsoftonline.com/t/oauth2/v2.0/token",
    sendCertificateChain: false,
    nowSeconds: 1_700_000_000.7,
    jti: "00000000-0000-4000-8000-000000000000",
  } as const;

  test("RS256 is deterministic: a fixed clock and jti give a fixed compact JWS", () => {
    const first = createClientAssertion({ ...input, algorithm: "RS256" });
    assert.equal(createClientAssertion({ ...input, algorithm: "RS256" }), first);
    const [h, p] = first.split(".");
    assert.deepEqual(JSON.parse(Buffer.from(h!, "base64url").toString()), {
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(readFixture("certs/cert_only.sha1.txt").trim(), "hex").toString("base64url"),
    });
    assert.deepEqual(JSON.parse(Buffer.from(p!, "base64url").toString()), {
      aud: input.audience,
      iss: "client-1",
      sub: "client-1",
      jti: input.jti,
      iat: 1_700_000_000,
      nbf: 1_700_000_000,
      exp: 1_700_000_600,
    });
    const ok = verify(
      "sha256",
      Buffer.from(first.split(".").slice(0, 2).join(".")),
      createPublicKey(bundle.privateKey),
      Buffer.from(first.split(".")[2]!, "base64url"),
    );
    assert.ok(ok);
  });

  test("x5c carries the chain as standard base64 DER", () => {
    const jwt = createClientAssertion({ ...input, algorithm: "PS256", sendCertificateChain: true });
    const header = JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString()) as {
      x5c: string[];
      "x5t#S256": string;
    };
    assert.deepEqual(header.x5c, [bundle.certificate.raw.toString("base64")]);
    assert.equal(
      header["x5t#S256"],
      Buffer.from(readFixture("certs/cert_only.sha256.txt").trim(), "hex").toString("base64url"),
    );
  });
});
