import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  pbkdf2Sync,
} from "node:crypto";
import { CertificateError, InvalidArgumentError } from "../../lib/errors.js";
import { parsePkcs12 } from "../../lib/cert/pkcs12.js";
import { MAX_KDF_ITERATIONS } from "../../lib/cert/pkcs12_kdf.js";
import { readFixture } from "../support/fixtures.js";
import {
  expectedPfx,
  integer,
  nestedSequences,
  oidTlv,
  patchBytes,
  pfxFixture,
  rewrite,
  tlv,
  tree,
} from "../support/der_edit.js";

const PASSWORD = "fixture-password";
const expected = expectedPfx();
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const oidBytes = (hex: string) => Buffer.from(hex, "hex");
const PBES2 = oidBytes("06092a864886f70d01050d");
const DATA = oidBytes("06092a864886f70d010701");
const SHA256 = oidBytes("0609608648016503040201");

/** Asserts a CertificateError with this code, a message matching `gist`, and no password in it. */
function fails(fn: () => unknown, code: string, gist: RegExp, password = PASSWORD): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CertificateError, `expected a CertificateError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, gist);
    if (password)
      assert.ok(!e.message.includes(password), "the message must not contain the password");
    return true;
  });
}

const usable = Object.entries(expected).filter(([, e]) => e.sha1);
for (const [name, facts] of usable) {
  test(`${name}.pfx parses and matches openssl's thumbprints (${facts.info.filter((l) => /:/.test(l) && !/length/.test(l)).join("; ")})`, () => {
    const bundle = parsePkcs12(pfxFixture(`${name}.pfx`), facts.password || undefined);
    assert.equal(bundle.thumbprintSha1.toString("hex").toUpperCase(), facts.sha1);
    assert.equal(bundle.thumbprintSha256.toString("hex").toUpperCase(), facts.sha256);
    assert.equal(
      sha256(createPublicKey(bundle.privateKey).export({ type: "spki", format: "der" })),
      facts.spkiSha256,
    );
    assert.equal(bundle.chain.length, facts.certificates);
    assert.equal(bundle.chain[0], bundle.certificate);
    assert.equal(bundle.privateKey.asymmetricKeyType, "rsa");
  });
}

test("chain.pfx: the chain starts with the leaf, then the other certificates", () => {
  const bundle = parsePkcs12(pfxFixture("chain.pfx"), PASSWORD);
  assert.deepEqual(
    bundle.chain.map((c) => c.subject),
    ["CN=entra-zero test leaf", "CN=entra-zero test intermediate", "CN=entra-zero test root"],
  );
  assert.ok(bundle.chain[0]!.checkIssued(bundle.chain[1]!));
});

test("two_keys.pfx: the key whose localKeyId matches a certificate wins, though it comes second", () => {
  const bundle = parsePkcs12(pfxFixture("two_keys.pfx"), PASSWORD);
  assert.equal(bundle.thumbprintSha1.toString("hex").toUpperCase(), expected.two_keys!.sha1);
  assert.equal(
    sha256(createPublicKey(bundle.privateKey).export({ type: "spki", format: "der" })),
    expected.default!.spkiSha256,
  );
});

test("no password, the empty string and empty bytes open files made with the empty or the absent password", () => {
  for (const name of ["empty_password", "unencrypted", "unprotected", "absent_password"]) {
    for (const password of [undefined, "", new Uint8Array(0)]) {
      assert.equal(
        parsePkcs12(pfxFixture(`${name}.pfx`), password)
          .thumbprintSha1.toString("hex")
          .toUpperCase(),
        expected[name]!.sha1,
      );
    }
  }
});

test("a byte password is the password's octets: Buffer and Uint8Array open the same files as the string", () => {
  for (const name of ["default", "legacy", "pbes2_sha512_des3"]) {
    assert.equal(
      parsePkcs12(pfxFixture(`${name}.pfx`), Buffer.from(PASSWORD)).certificate.subject,
      "CN=entra-zero test app",
    );
    assert.equal(
      parsePkcs12(pfxFixture(`${name}.pfx`), new Uint8Array(Buffer.from(PASSWORD))).certificate
        .subject,
      "CN=entra-zero test app",
    );
  }
});

test("wrong password: MAC-protected files fail the MAC, MAC-less ones fail decryption", () => {
  fails(
    () => parsePkcs12(pfxFixture("default.pfx"), "not-the-password"),
    "ERR_PKCS12_MAC",
    /MAC\) failed: the password is wrong or the file is corrupt/,
    "not-the-password",
  );
  fails(
    () => parsePkcs12(pfxFixture("legacy.pfx"), "not-the-password"),
    "ERR_PKCS12_MAC",
    /MAC\) failed/,
    "not-the-password",
  );
  fails(
    () => parsePkcs12(pfxFixture("default.pfx")),
    "ERR_PKCS12_MAC",
    /MAC\) failed: the file needs a password, or it is corrupt/,
  );
  fails(
    () => parsePkcs12(pfxFixture("empty_password.pfx"), PASSWORD),
    "ERR_PKCS12_MAC",
    /MAC\) failed/,
  );
  fails(
    () => parsePkcs12(pfxFixture("nomac.pfx"), "not-the-password"),
    "ERR_CERT_PASSWORD",
    /password does not decrypt the (encrypted safe contents|shrouded key bag)/,
    "not-the-password",
  );
  fails(
    () => parsePkcs12(pfxFixture("nomac.pfx")),
    "ERR_CERT_PASSWORD",
    /password does not decrypt/,
  );
});

test("MAC mismatch: a flipped bit in the MAC or in the protected content", () => {
  const pfx = pfxFixture("default.pfx");
  const root = tree(pfx);
  const macDigest = root.children[2]!.children[0]!.children[1]!;
  const flippedMac = rewrite(root, (node) =>
    node === macDigest
      ? tlv(
          0,
          false,
          4,
          Buffer.from(node.value).map((b, i) => (i === 0 ? b ^ 1 : b)),
        )
      : undefined,
  );
  fails(() => parsePkcs12(flippedMac, PASSWORD), "ERR_PKCS12_MAC", /MAC\) failed/);
  const content = Buffer.from(pfx);
  content[200]! ^= 0x10;
  fails(() => parsePkcs12(content, PASSWORD), "ERR_PKCS12_MAC", /MAC\) failed/);
});

test("unsupported algorithms are named by OID and name", () => {
  const nomac = pfxFixture("nomac.pfx");
  fails(
    () => parsePkcs12(patchBytes(nomac, PBES2, oidBytes("06092a864886f70d010503")), PASSWORD),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /the shrouded key bag uses pbeWithMD5AndDES-CBC \(1\.2\.840\.113549\.1\.5\.3\), which is not supported/,
  );
  fails(
    () => parsePkcs12(patchBytes(nomac, PBES2, oidBytes("06092a864886f70d01057f")), PASSWORD),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /uses unknown algorithm 1\.2\.840\.113549\.1\.5\.127, which is not supported/,
  );
  fails(
    () =>
      parsePkcs12(
        patchBytes(pfxFixture("default.pfx"), SHA256, oidBytes("0609608648016503040205"), -1),
        PASSWORD,
      ),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /the MAC uses sha512-224 \(2\.16\.840\.1\.101\.3\.4\.2\.5\)/,
  );
  fails(
    () =>
      parsePkcs12(
        patchBytes(pfxFixture("unprotected.pfx"), DATA, oidBytes("06092a864886f70d010703"), 1),
      ),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /AuthenticatedSafe content type uses envelopedData \(1\.2\.840\.113549\.1\.7\.3\)/,
  );
  const aes256Cbc = oidBytes("060960864801650304012a");
  fails(
    () => parsePkcs12(patchBytes(nomac, aes256Cbc, oidBytes("060960864801650304012e")), PASSWORD),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /the shrouded key bag encryption scheme uses aes256-GCM \(2\.16\.840\.1\.101\.3\.4\.1\.46\)/,
  );
});

test("iteration counts above the cap fail fast with a coded error", () => {
  const root = tree(pfxFixture("default.pfx"));
  const macIterations = root.children[2]!.children[2]!;
  const tampered = rewrite(root, (node) =>
    node === macIterations ? integer(2 ** 31 - 1) : undefined,
  );
  const started = process.hrtime.bigint();
  fails(
    () => parsePkcs12(tampered, PASSWORD),
    "ERR_PKCS12_ITERATIONS",
    /MAC iteration count 2147483647 is outside the accepted range 1–1000000/,
  );
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
});

/** A PFX without a MAC holding `count` copies of one shrouded key bag, each at the iteration cap. */
function keyBagsAtTheIterationCap(count: number): Buffer {
  const seq = (...parts: Uint8Array[]) => tlv(0, true, 16, Buffer.concat(parts));
  const octets = (data: Uint8Array) => tlv(0, false, 4, data);
  const [salt, iv] = [Buffer.alloc(8, 1), Buffer.alloc(16, 2)];
  const key = pbkdf2Sync(PASSWORD, salt, MAX_KDF_ITERATIONS, 32, "sha256");
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const pkcs8 = createPrivateKey(readFixture("certs/key_pkcs8.pem")).export({
    type: "pkcs8",
    format: "der",
  });
  const pbkdf2 = seq(octets(salt), integer(MAX_KDF_ITERATIONS), seq(oidTlv("1.2.840.113549.2.9")));
  const algorithm = seq(
    oidTlv("1.2.840.113549.1.5.13"),
    seq(
      seq(oidTlv("1.2.840.113549.1.5.12"), pbkdf2),
      seq(oidTlv("2.16.840.1.101.3.4.1.42"), octets(iv)),
    ),
  );
  const encrypted = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  const bag = seq(
    oidTlv("1.2.840.113549.1.12.10.1.2"),
    tlv(2, true, 0, seq(algorithm, octets(encrypted))),
  );
  const data = (content: Uint8Array) =>
    seq(oidTlv("1.2.840.113549.1.7.1"), tlv(2, true, 0, octets(content)));
  return seq(integer(3), data(seq(data(seq(...Array<Buffer>(count).fill(bag))))));
}

test("a 9 KB PKCS#12 with six key bags at the iteration cap stops at the file's KDF budget (took 15 s)", () => {
  const pfx = keyBagsAtTheIterationCap(6);
  assert.ok(pfx.length < 9 * 1024);
  fails(
    () => parsePkcs12(pfx, PASSWORD),
    "ERR_PKCS12_ITERATIONS",
    /shrouded key bag key derivation would take the file past 2000000 KDF iterations in all/,
  );
  // Two bags fit the budget: the file then fails for its missing certificate, not its KDF work.
  fails(
    () => parsePkcs12(keyBagsAtTheIterationCap(2), PASSWORD),
    "ERR_CERT_NO_CERTIFICATE",
    /no certificate/,
  );
});

test("truncated files fail as invalid DER", () => {
  const pfx = pfxFixture("default.pfx");
  for (const length of [0, 1, 2, 4, 100, pfx.length - 1]) {
    fails(
      () => parsePkcs12(pfx.subarray(0, length), PASSWORD),
      "ERR_DER_INVALID",
      /invalid DER: (expected a tag|length)/,
    );
  }
});

test("a length field claiming more bytes than exist is refused", () => {
  const pfx = Buffer.from(pfxFixture("default.pfx"));
  assert.equal(pfx[1], 0x82);
  pfx.writeUInt16BE(pfx.readUInt16BE(2) + 1, 2);
  fails(
    () => parsePkcs12(pfx, PASSWORD),
    "ERR_DER_INVALID",
    /length \d+ at offset 0 exceeds the \d+ bytes left/,
  );
  const huge = Buffer.concat([Buffer.from("3084ffffffff", "hex"), Buffer.alloc(16)]);
  fails(
    () => parsePkcs12(huge, PASSWORD),
    "ERR_DER_INVALID",
    /length 4294967295 at offset 0 exceeds the 16 bytes left/,
  );
});

test("a nesting bomb is capped, at the top and inside the authSafe", () => {
  fails(
    () => parsePkcs12(nestedSequences(100_000), PASSWORD),
    "ERR_DER_INVALID",
    /nesting deeper than 32 levels/,
  );
  const root = tree(pfxFixture("unprotected.pfx"));
  const authSafe = root.children[1]!.children[1]!.children[0]!;
  const bombed = rewrite(root, (node) =>
    node === authSafe ? tlv(0, false, 4, nestedSequences(10_000)) : undefined,
  );
  fails(() => parsePkcs12(bombed), "ERR_DER_INVALID", /nesting deeper than 32 levels/);
});

test("PFX version other than 3 is refused", () => {
  const root = tree(pfxFixture("unprotected.pfx"));
  const version = root.children[0]!;
  fails(
    () => parsePkcs12(rewrite(root, (node) => (node === version ? integer(4) : undefined))),
    "ERR_CERT_FORMAT",
    /PFX version 4 is not supported/,
  );
});

test("files without a key, without a certificate, or with a key that matches no certificate", () => {
  fails(
    () => parsePkcs12(pfxFixture("no_key.pfx"), PASSWORD),
    "ERR_CERT_NO_KEY",
    /holds no private key/,
  );
  fails(
    () => parsePkcs12(pfxFixture("no_certificate.pfx"), PASSWORD),
    "ERR_CERT_NO_CERTIFICATE",
    /holds no certificate/,
  );
  fails(
    () => parsePkcs12(pfxFixture("mismatch.pfx"), PASSWORD),
    "ERR_CERT_KEY_MISMATCH",
    /does not match any certificate/,
  );
});

test("non-RSA and small RSA keys are refused by the shared bundle rules", () => {
  fails(
    () => parsePkcs12(pfxFixture("ec.pfx"), PASSWORD),
    "ERR_CERT_KEY_TYPE",
    /the private key is EC; Entra client assertions need an RSA key/,
  );
  fails(
    () => parsePkcs12(pfxFixture("rsa1024.pfx"), PASSWORD),
    "ERR_CERT_KEY_SIZE",
    /1024 bits; at least 2048/,
  );
});

test("PEM text and other non-PKCS#12 input fail as invalid DER", () => {
  fails(
    () => parsePkcs12(Buffer.from("-----BEGIN CERTIFICATE-----\n"), PASSWORD),
    "ERR_DER_INVALID",
    /invalid DER/,
  );
  fails(
    () => parsePkcs12(Buffer.from("3003020103", "hex"), PASSWORD),
    "ERR_DER_INVALID",
    /PFX has 1 fields; expected at least 2/,
  );
});

test("argument types are checked", () => {
  assert.throws(
    () => parsePkcs12("x" as unknown as Uint8Array),
    (e) =>
      e instanceof InvalidArgumentError &&
      e.code === "ERR_INVALID_ARG_TYPE" &&
      /data must be a Uint8Array/.test(e.message),
  );
  assert.throws(
    () => parsePkcs12(pfxFixture("default.pfx"), 42 as unknown as string),
    (e) =>
      e instanceof InvalidArgumentError &&
      e.code === "ERR_INVALID_ARG_TYPE" &&
      /^"certificatePassword" must be a string, a Buffer or a Uint8Array/.test(e.message),
  );
});
