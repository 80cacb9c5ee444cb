import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath, readFixture, TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  CertificateCredential,
  CertificateError,
  ClientCertificateCredential,
  InvalidArgumentError,
  type ClientCertificateCredentialOptions,
} from "../support/package.js";

const TENANT = "tenant-cert.example.com";
const CLIENT = "c3c3c3c3-0000-4000-8000-000000000001";
const CHAIN_CLIENT = "c3c3c3c3-0000-4000-8000-000000000002";
const SCOPE = "https://management.azure.com/.default";
const PASSWORD = "fixture-password";

let fake: FakeEntra;
const options = (
  extra: ClientCertificateCredentialOptions = {},
): ClientCertificateCredentialOptions => ({
  authorityHost: fake.url,
  disableInstanceDiscovery: true,
  tlsOptions: TEST_TLS,
  retryOptions: { retryDelayInMs: 5 },
  ...extra,
});

function decode(jwt: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = jwt.split(".");
  return {
    header: JSON.parse(Buffer.from(h!, "base64url").toString()),
    payload: JSON.parse(Buffer.from(p!, "base64url").toString()),
  };
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: CLIENT,
    tenantId: TENANT,
    certificates: [readFixture("certs/cert_only.pem")],
  });
  fake.register({
    clientId: CHAIN_CLIENT,
    tenantId: TENANT,
    certificates: [readFixture("certs/leaf.pem")],
  });
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("ClientCertificateCredential: PEM variants obtain tokens", () => {
  const cases: Array<
    [
      string,
      (
        | string
        | { certificatePath: string; certificatePassword?: string }
        | { certificate: string; certificatePassword?: string }
      ),
    ]
  > = [
    ["PKCS#8 key after the certificate (path string)", fixturePath("certs/cert.pem")],
    ["PKCS#1 key", { certificatePath: fixturePath("certs/cert_pkcs1.pem") }],
    [
      "key first with CRLF line endings",
      { certificatePath: fixturePath("certs/cert_key_first_crlf.pem") },
    ],
    [
      "encrypted PKCS#8 with certificatePassword",
      { certificatePath: fixturePath("certs/cert_encrypted.pem"), certificatePassword: PASSWORD },
    ],
    ["PEM text in `certificate`", { certificate: readFixture("certs/cert.pem") }],
  ];
  for (const [name, certificate] of cases) {
    test(name, async () => {
      const cred = new ClientCertificateCredential(TENANT, CLIENT, certificate, options());
      const token = await cred.getToken(SCOPE);
      assert.equal(token.token, fake.issuedTokens.at(-1));
      const request = fake.tokenRequests[0]!;
      assert.deepEqual(request.fieldOrder, [
        "client_id",
        "scope",
        "grant_type",
        "client_assertion",
        "client_assertion_type",
      ]);
      assert.equal(
        request.form.client_assertion_type,
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
      assert.equal(request.form.grant_type, "client_credentials");
      await cred.close();
    });
  }

  test("the assertion is RS256 with x5t, aud = token endpoint, iss = sub = client id, 10-minute lifetime", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CLIENT,
      fixturePath("certs/cert.pem"),
      options(),
    );
    await cred.getToken(SCOPE);
    const { header, payload } = decode(fake.tokenRequests[0]!.form.client_assertion!);
    const sha1 = readFixture("certs/cert_only.sha1.txt").trim();
    assert.deepEqual(header, {
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(sha1, "hex").toString("base64url"),
    });
    assert.equal(payload.aud, fake.tokenEndpoint(TENANT));
    assert.equal(payload.iss, CLIENT);
    assert.equal(payload.sub, CLIENT);
    assert.equal((payload.exp as number) - (payload.iat as number), 600);
    assert.equal(payload.nbf, payload.iat);
    assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    await cred.close();
  });

  test("PS256 sends x5t#S256 and the fake verifies the PSS signature", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CLIENT,
      fixturePath("certs/cert.pem"),
      options({ assertionAlgorithm: "PS256" }),
    );
    await cred.getToken(SCOPE);
    const { header } = decode(fake.tokenRequests[0]!.form.client_assertion!);
    const sha256 = readFixture("certs/cert_only.sha256.txt").trim();
    assert.deepEqual(header, {
      alg: "PS256",
      typ: "JWT",
      "x5t#S256": Buffer.from(sha256, "hex").toString("base64url"),
    });
    await cred.close();
  });

  test("sendCertificateChain puts the chain in x5c starting with the signing certificate", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CHAIN_CLIENT,
      { certificatePath: fixturePath("certs/chain.pem") },
      options({ sendCertificateChain: true }),
    );
    await cred.getToken(SCOPE);
    const { header } = decode(fake.tokenRequests[0]!.form.client_assertion!);
    const expected = [readFixture("certs/leaf.pem"), readFixture("certs/intermediate.pem")].map(
      (pem) => new X509Certificate(pem).raw.toString("base64"),
    );
    assert.deepEqual(header.x5c, expected);
    await cred.close();
  });

  test("each request gets a fresh assertion (the fake refuses a reused jti)", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CLIENT,
      fixturePath("certs/cert.pem"),
      options(),
    );
    await cred.getToken(SCOPE);
    await cred.getToken("https://storage.azure.com/.default");
    assert.equal(fake.tokenRequests.length, 2);
    assert.notEqual(
      decode(fake.tokenRequests[0]!.form.client_assertion!).payload.jti,
      decode(fake.tokenRequests[1]!.form.client_assertion!).payload.jti,
    );
    await cred.close();
  });

  test("CertificateCredential is the same class", () => {
    assert.equal(CertificateCredential, ClientCertificateCredential);
  });

  test("a certificate Entra does not know is refused as invalid_client", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CHAIN_CLIENT,
      fixturePath("certs/cert.pem"),
      options(),
    );
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /AADSTS700027: Client assertion contains an invalid signature/,
    });
    await cred.close();
  });
});

describe("ClientCertificateCredential: bad certificates", () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "entra-zero-cert-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const make = (certificate: ConstructorParameters<typeof ClientCertificateCredential>[2]) => () =>
    new ClientCertificateCredential(TENANT, CLIENT, certificate, options());

  test("a missing file", () => {
    throwsWith(make(fixturePath("certs/does-not-exist.pem")), {
      class: CertificateError,
      code: "ERR_CERT_READ",
      message:
        /^ClientCertificateCredential: cannot read the certificate file ".*does-not-exist\.pem" \(ENOENT\)/,
    });
  });
  test("PEM text passed as the certificate path is not echoed in ERR_CERT_READ", () => {
    const pem = readFixture("certs/cert.pem");
    const key = pem.slice(pem.indexOf("-----BEGIN PRIVATE KEY"));
    const expected = {
      class: CertificateError,
      code: "ERR_CERT_READ",
      message:
        /cannot read the certificate file \(a path was expected, but .* looks like file contents/,
    };
    for (const given of [pem, { certificatePath: pem }, { certificatePath: key.slice(0, 200) }]) {
      assertNoSecret(throwsWith(make(given as never), expected), key.slice(40, 120));
    }
  });
  test("a named pipe as the certificate path fails at once instead of blocking the constructor", () => {
    const fifo = join(tmp, "cert.pem");
    execFileSync("mkfifo", [fifo]);
    throwsWith(make(fifo), {
      class: CertificateError,
      code: "ERR_CERT_READ",
      message: /cannot read the certificate file ".*cert\.pem" \(not a regular file\)/,
    });
  });
  test("/dev/zero and a directory as the certificate path are refused unread", () => {
    for (const path of ["/dev/zero", tmp]) {
      throwsWith(make(path), {
        class: CertificateError,
        code: "ERR_CERT_READ",
        message: /\(not a regular file\)/,
      });
    }
  });
  test("a certificate file over 1 MiB is refused by its size", () => {
    const big = join(tmp, "big.pem");
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 0x41));
    throwsWith(make(big), {
      class: CertificateError,
      code: "ERR_CERT_READ",
      message: /\(2097152 bytes, over the 1048576-byte limit\)/,
    });
  });
  test("PEM without a key", () => {
    throwsWith(make(fixturePath("certs/cert_only.pem")), {
      class: CertificateError,
      code: "ERR_CERT_NO_KEY",
      message: /holds no private key/,
    });
  });
  test("a key without a certificate", () => {
    throwsWith(make(fixturePath("certs/key_pkcs8.pem")), {
      class: CertificateError,
      code: "ERR_CERT_NO_CERTIFICATE",
      message: /holds no certificate/,
    });
  });
  test("a key that does not match the certificate", () => {
    throwsWith(make(fixturePath("certs/mismatch.pem")), {
      class: CertificateError,
      code: "ERR_CERT_KEY_MISMATCH",
      message: /does not match any certificate/,
    });
  });
  test("an encrypted key without a password", () => {
    throwsWith(make(fixturePath("certs/cert_encrypted.pem")), {
      class: CertificateError,
      code: "ERR_CERT_PASSWORD",
      message: /encrypted; pass "certificatePassword"/,
    });
  });
  test("a wrong password, which appears in no message", () => {
    const wrong = "not-the-password-42";
    const error = throwsWith(
      make({
        certificatePath: fixturePath("certs/cert_encrypted.pem"),
        certificatePassword: wrong,
      }),
      {
        class: CertificateError,
        code: "ERR_CERT_PASSWORD",
        message: /could not be decrypted: wrong "certificatePassword"/,
      },
    );
    assertNoSecret(error, wrong);
  });
  test("an EC key", () => {
    throwsWith(make(fixturePath("certs/ec.pem")), {
      class: CertificateError,
      code: "ERR_CERT_KEY_TYPE",
      message: /private key is EC; Entra client assertions need an RSA key/,
    });
  });
  test("an RSA key under 2048 bits", () => {
    throwsWith(make(fixturePath("certs/rsa1024.pem")), {
      class: CertificateError,
      code: "ERR_CERT_KEY_SIZE",
      message: /has 1024 bits; at least 2048/,
    });
  });
  test("garbage that is neither PEM nor PKCS#12", () => {
    throwsWith(make({ certificate: Buffer.from("hello world") } as never), {
      class: CertificateError,
      code: "ERR_CERT_FORMAT",
      message: /neither PEM text nor a PKCS#12 \(DER\) file/,
    });
  });
  test("both certificatePath and certificate", () => {
    throwsWith(make({ certificatePath: "a", certificate: "b" } as never), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /exactly one of "certificatePath" and "certificate"/,
    });
  });
  test("an unknown assertion algorithm", () => {
    throwsWith(
      () =>
        new ClientCertificateCredential(
          TENANT,
          CLIENT,
          fixturePath("certs/cert.pem"),
          options({ assertionAlgorithm: "HS256" as never }),
        ),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /"assertionAlgorithm" must be "RS256" or "PS256"/,
      },
    );
  });
  test("PEM bytes in `certificate` obtain a token", async () => {
    const cred = new ClientCertificateCredential(
      TENANT,
      CLIENT,
      { certificate: readFileSync(fixturePath("certs/cert.pem")) },
      options(),
    );
    await cred.getToken(SCOPE);
    await cred.close();
  });
});
