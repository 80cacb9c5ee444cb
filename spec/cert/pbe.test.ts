import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, pbkdf2Sync } from "node:crypto";
import { CertificateError } from "../../lib/errors.js";
import { decodeDer } from "../../lib/cert/der.js";
import { decryptWithPassword, type PasswordForm } from "../../lib/cert/pbe.js";
import { bmpPassword, pkcs12Kdf } from "../../lib/cert/pkcs12_kdf.js";
import { MAC_DIGESTS } from "../../lib/cert/pkcs12_oids.js";
import { integer, oidTlv, tlv } from "../support/der_edit.js";
import { rc2CbcEncrypt } from "../support/rc2_encrypt.js";

const PASSWORD = "pbe-test-password";
const budget = { left: Infinity };
const form: PasswordForm = { bmp: bmpPassword(PASSWORD), utf8: Buffer.from(PASSWORD), budget };
const seq = (...parts: Uint8Array[]) => tlv(0, true, 16, Buffer.concat(parts));
const octets = (data: Uint8Array) => tlv(0, false, 4, data);
const nul = Buffer.from("0500", "hex");
const oid = oidTlv;
const salt = Buffer.from("0011223344556677", "hex");
const iv16 = Buffer.alloc(16, 9);
const plaintext = Buffer.from("a secret that needs more than one block");

function pbes2(
  options: {
    iterations?: number;
    keyLength?: number;
    prf?: string;
    cipher?: string;
    iv?: Buffer;
    kdf?: string;
    salt?: Buffer;
  } = {},
): Buffer {
  const kdfParams = seq(
    options.salt ?? octets(salt),
    integer(options.iterations ?? 1000),
    ...(options.keyLength === undefined ? [] : [integer(options.keyLength)]),
    ...(options.prf ? [seq(oid(options.prf), nul)] : []),
  );
  return seq(
    oid("1.2.840.113549.1.5.13"),
    seq(
      seq(oid(options.kdf ?? "1.2.840.113549.1.5.12"), kdfParams),
      seq(oid(options.cipher ?? "2.16.840.1.101.3.4.1.42"), octets(options.iv ?? iv16)),
    ),
  );
}
const fails = (fn: () => unknown, code: string, gist: RegExp) =>
  assert.throws(
    fn,
    (e) =>
      e instanceof CertificateError &&
      e.code === code &&
      gist.test(e.message) &&
      !e.message.includes(PASSWORD),
  );

test("PBES2 with the default PRF (HMAC-SHA1) and an explicit key length decrypts", () => {
  const key = pbkdf2Sync(PASSWORD, salt, 1000, 32, "sha1");
  const cipher = createCipheriv("aes-256-cbc", key, iv16);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  assert.deepEqual(
    decryptWithPassword(decodeDer(pbes2({ keyLength: 32 })), data, form, "test bag"),
    plaintext,
  );
  fails(
    () => decryptWithPassword(decodeDer(pbes2({ keyLength: 16 })), data, form, "test bag"),
    "ERR_DER_INVALID",
    /PBKDF2 key length 16 does not fit aes-256-cbc/,
  );
});

test("PBES2 parameter errors are coded and name the field", () => {
  const data = Buffer.alloc(32);
  fails(
    () =>
      decryptWithPassword(decodeDer(pbes2({ iterations: 2 ** 31 - 1 })), data, form, "test bag"),
    "ERR_PKCS12_ITERATIONS",
    /test bag PBKDF2 iteration count 2147483647 is outside/,
  );
  fails(
    () => decryptWithPassword(decodeDer(pbes2({ iv: Buffer.alloc(8) })), data, form, "test bag"),
    "ERR_DER_INVALID",
    /aes-256-cbc IV has 8 bytes; expected 16/,
  );
  fails(
    () =>
      decryptWithPassword(decodeDer(pbes2({ prf: "1.2.840.113549.2.5" })), data, form, "test bag"),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /PBKDF2 PRF uses md5 \(1\.2\.840\.113549\.2\.5\)/,
  );
  fails(
    () =>
      decryptWithPassword(
        decodeDer(pbes2({ kdf: "1.3.6.1.4.1.11591.4.11" })),
        data,
        form,
        "test bag",
      ),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /key derivation uses scrypt \(1\.3\.6\.1\.4\.1\.11591\.4\.11\)/,
  );
  fails(
    () =>
      decryptWithPassword(
        decodeDer(pbes2({ cipher: "1.2.840.113549.3.2" })),
        data,
        form,
        "test bag",
      ),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /encryption scheme uses rc2-cbc \(1\.2\.840\.113549\.3\.2\)/,
  );
  fails(
    () =>
      decryptWithPassword(decodeDer(pbes2({ salt: seq(oid("1.2.3")) })), data, form, "test bag"),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /otherSource/,
  );
  fails(
    () => decryptWithPassword(decodeDer(pbes2()), data, form, "test bag"),
    "ERR_CERT_PASSWORD",
    /the password does not decrypt the test bag/,
  );
});

test("PKCS#12 PBE with RC2-40 round-trips through the KDF and this package's RC2", () => {
  const sha1 = MAC_DIGESTS.get("1.3.14.3.2.26")!;
  const key = pkcs12Kdf(sha1, form.bmp, salt, 2048, 1, 5);
  const iv = pkcs12Kdf(sha1, form.bmp, salt, 2048, 2, 8);
  const data = rc2CbcEncrypt(key, 40, iv, plaintext);
  const algorithm = seq(oid("1.2.840.113549.1.12.1.6"), seq(octets(salt), integer(2048)));
  assert.deepEqual(decryptWithPassword(decodeDer(algorithm), data, form, "test bag"), plaintext);
  fails(
    () =>
      decryptWithPassword(
        decodeDer(algorithm),
        data,
        { bmp: bmpPassword("other"), utf8: Buffer.from("other"), budget },
        "test bag",
      ),
    "ERR_CERT_PASSWORD",
    /does not decrypt the test bag/,
  );
  const huge = seq(oid("1.2.840.113549.1.12.1.6"), seq(octets(salt), integer(10_000_000)));
  fails(
    () => decryptWithPassword(decodeDer(huge), data, form, "test bag"),
    "ERR_PKCS12_ITERATIONS",
    /test bag PBE iteration count 10000000/,
  );
  fails(
    () =>
      decryptWithPassword(
        decodeDer(seq(oid("1.2.840.113549.1.12.1.1"), seq(octets(salt), integer(1)))),
        data,
        form,
        "test bag",
      ),
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    /test bag uses pbeWithSHAAnd128BitRC4 \(1\.2\.840\.113549\.1\.12\.1\.1\), which is not supported/,
  );
});

test("decryptions share one file budget: the one that would overdraw it is refused before it runs", () => {
  const key = pbkdf2Sync(PASSWORD, salt, 1000, 32, "sha1");
  const cipher = createCipheriv("aes-256-cbc", key, iv16);
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const small = { ...form, budget: { left: 3000 } };
  const legacy = seq(oid("1.2.840.113549.1.12.1.3"), seq(octets(salt), integer(1000)));
  assert.deepEqual(decryptWithPassword(decodeDer(pbes2()), data, small, "test bag"), plaintext);
  assert.throws(() => decryptWithPassword(decodeDer(legacy), data, small, "test bag"));
  assert.equal(small.budget.left, 0);
  fails(
    () => decryptWithPassword(decodeDer(pbes2()), data, small, "test bag"),
    "ERR_PKCS12_ITERATIONS",
    /test bag key derivation would take the file past 2000000 KDF iterations in all/,
  );
});
