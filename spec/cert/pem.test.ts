import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePem, splitPem } from "../../lib/cert/pem.js";
import { CertificateError } from "../../lib/errors.js";
import { readFixture } from "../support/fixtures.js";
import { assertNoSecret, throwsWith } from "../support/assert_error.js";

const sha1 = readFixture("certs/cert_only.sha1.txt").trim();
const sha256 = readFixture("certs/cert_only.sha256.txt").trim();

describe("PEM reader: good files", () => {
  for (const [file, password] of [
    ["certs/cert.pem"],
    ["certs/cert_pkcs1.pem"],
    ["certs/cert_key_first_crlf.pem"],
    ["certs/cert_encrypted.pem", "fixture-password"],
  ] as Array<[string, string?]>) {
    test(`${file}: thumbprints equal openssl's`, () => {
      const bundle = parsePem(readFixture(file), password);
      assert.equal(bundle.thumbprintSha1.toString("hex").toUpperCase(), sha1);
      assert.equal(bundle.thumbprintSha256.toString("hex").toUpperCase(), sha256);
      assert.equal(bundle.privateKey.asymmetricKeyType, "rsa");
      assert.equal(bundle.chain.length, 1);
    });
  }
  test("a password given as bytes works", () => {
    assert.ok(parsePem(readFixture("certs/cert_encrypted.pem"), Buffer.from("fixture-password")));
  });
  test("chain order: the signing certificate first, the rest in file order", () => {
    const bundle = parsePem(readFixture("certs/chain.pem"));
    assert.deepEqual(
      bundle.chain.map((c) => c.subject),
      ["CN=entra-zero test leaf", "CN=entra-zero test intermediate"],
    );
    assert.equal(
      bundle.thumbprintSha1.toString("hex").toUpperCase(),
      readFixture("certs/leaf.sha1.txt").trim(),
    );
  });
  test("text around the blocks is ignored", () => {
    assert.equal(
      splitPem(`Bag Attributes\n  friendlyName: x\n${readFixture("certs/cert_only.pem")}trailer`)
        .length,
      1,
    );
  });
});

describe("PEM reader: bad files", () => {
  const cases: Array<[string, string, string | undefined, string, RegExp]> = [
    ["no key", readFixture("certs/cert_only.pem"), undefined, "ERR_CERT_NO_KEY", /no private key/],
    [
      "no certificate",
      readFixture("certs/key_pkcs8.pem"),
      undefined,
      "ERR_CERT_NO_CERTIFICATE",
      /no certificate/,
    ],
    [
      "two keys",
      readFixture("certs/cert.pem") + readFixture("certs/key_pkcs8.pem"),
      undefined,
      "ERR_CERT_FORMAT",
      /2 private keys/,
    ],
    [
      "mismatched key",
      readFixture("certs/mismatch.pem"),
      undefined,
      "ERR_CERT_KEY_MISMATCH",
      /does not match/,
    ],
    [
      "encrypted, no password",
      readFixture("certs/cert_encrypted.pem"),
      undefined,
      "ERR_CERT_PASSWORD",
      /encrypted/,
    ],
    [
      "encrypted, wrong password",
      readFixture("certs/cert_encrypted.pem"),
      "nope",
      "ERR_CERT_PASSWORD",
      /could not be decrypted/,
    ],
    [
      "EC key",
      readFixture("certs/ec.pem"),
      undefined,
      "ERR_CERT_KEY_TYPE",
      /EC; Entra client assertions need an RSA key/,
    ],
    ["RSA 1024", readFixture("certs/rsa1024.pem"), undefined, "ERR_CERT_KEY_SIZE", /1024 bits/],
    [
      "corrupt certificate body",
      readFixture("certs/cert.pem").replace(
        /(-----BEGIN CERTIFICATE-----\n)(.{10})/,
        "$1AAAAAAAAAA",
      ),
      undefined,
      "ERR_CERT_FORMAT",
      /certificate 1 .* could not be parsed/,
    ],
    [
      "corrupt key body",
      readFixture("certs/cert.pem").replace(
        /(-----BEGIN PRIVATE KEY-----\n)(.{10})/,
        "$1AAAAAAAAAA",
      ),
      undefined,
      "ERR_CERT_FORMAT",
      /PRIVATE KEY block could not be parsed/,
    ],
  ];
  test("unterminated BEGIN lines are refused in linear time (576 KB took 4.9 s)", () => {
    const key = readFixture("certs/key_pkcs8.pem");
    for (const text of [
      "-----BEGIN CERTIFICATE-----\n".repeat(21_000),
      "-----BEGIN RSA PRIVATE KEY-----\n".repeat(18_000) + key,
      `${key.replace("-----END PRIVATE KEY-----", "")}${readFixture("certs/cert_only.pem")}`,
    ]) {
      const started = process.hrtime.bigint();
      const error = throwsWith(() => parsePem(text), {
        class: CertificateError,
        code: "ERR_CERT_FORMAT",
        message: /^the (CERTIFICATE|RSA PRIVATE KEY|PRIVATE KEY) block has no END line$/,
      });
      assertNoSecret(error, key.split("\n")[2]!);
      assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
    }
  });
  for (const [name, text, password, code, message] of cases) {
    test(name, () => {
      throwsWith(() => parsePem(text, password), { class: CertificateError, code, message });
    });
  }
});
