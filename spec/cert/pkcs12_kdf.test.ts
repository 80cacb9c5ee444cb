import { test } from "node:test";
import assert from "node:assert/strict";
import { CertificateError } from "../../lib/errors.js";
import { decodeDer } from "../../lib/cert/der.js";
import {
  bmpPassword,
  type KdfPurpose,
  MAX_KDF_ITERATIONS,
  pkcs12Kdf,
  readIterations,
} from "../../lib/cert/pkcs12_kdf.js";
import { MAC_DIGESTS } from "../../lib/cert/pkcs12_oids.js";
import { integer } from "../support/der_edit.js";

const digest = (name: string) => [...MAC_DIGESTS.values()].find((d) => d.name === name)!;
const LONG = "a password that is clearly longer than thirty-two characters, é";

// Known answers from `openssl kdf -kdfopt hexpass:<BMP password> … PKCS12KDF` (OpenSSL 3.0).
const vectors: Array<[string, string | undefined, string, number, KdfPurpose, number, string]> = [
  [
    "sha1",
    "smeg",
    "0a58cf64530d823f",
    1,
    1,
    24,
    "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3",
  ],
  ["sha1", "smeg", "0a58cf64530d823f", 1, 2, 8, "79993dfe048d3b76"],
  [
    "sha256",
    "fixture-password",
    "0102030405060708",
    2048,
    3,
    32,
    "19a74072ba4e6115926b63b8fbe20f3eb9106b59b7c6b2d4e62fa17a4120ec20",
  ],
  [
    "sha512",
    "",
    "00112233445566778899aabbccddeeff",
    1000,
    1,
    100,
    "2f26ba5b71320a0229c90527d38f53cc9f17a060cf771bf6028eabe901ccedd3b16c3ab08d05c2b6d4d586e068f14f53cb2fa009691d521e545ec92075e21b524bf93d044f92e4e939fcce970afa82e12a24644386ce41cc64b20dc324565b51383310e2",
  ],
  ["sha1", undefined, "0102030405060708", 2048, 3, 20, "02a96a93d81846d839232c0a09e94b1102a70d9e"],
  [
    "sha1",
    LONG,
    "ffffffffffffffff",
    3,
    1,
    48,
    "92e92affb9ece7b802c13c058a193f6bed3c6f665f1323514a980044e082a43702e52621327b881bb3e505385880781b",
  ],
];

for (const [hash, password, salt, iterations, purpose, length, expected] of vectors) {
  test(`PKCS#12 KDF known answer: ${hash}, password ${JSON.stringify(password)}, ${iterations} iterations, id ${purpose}, ${length} bytes`, () => {
    const out = pkcs12Kdf(
      digest(hash),
      bmpPassword(password),
      Buffer.from(salt, "hex"),
      iterations,
      purpose,
      length,
    );
    assert.equal(out.toString("hex"), expected);
  });
}

test("bmpPassword: absent is empty, empty is the terminator, text is UTF-16BE plus terminator", () => {
  assert.equal(bmpPassword(undefined).toString("hex"), "");
  assert.equal(bmpPassword("").toString("hex"), "0000");
  assert.equal(bmpPassword("aé").toString("hex"), "006100e90000");
  assert.equal(bmpPassword("😀").toString("hex"), "d83dde000000");
  assert.equal(bmpPassword(Buffer.from("aé", "utf8")).toString("hex"), "006100e90000");
  assert.equal(bmpPassword(Buffer.from([0x61, 0xe9])).toString("hex"), "006100e90000");
});

test("readIterations bounds the work a file can ask for", () => {
  const count = (n: number) => decodeDer(integer(n));
  assert.equal(readIterations(count(1), "MAC"), 1);
  assert.equal(readIterations(count(MAX_KDF_ITERATIONS), "MAC"), MAX_KDF_ITERATIONS);
  for (const bad of [0, MAX_KDF_ITERATIONS + 1, 2 ** 31 - 1]) {
    assert.throws(
      () => readIterations(count(bad), "MAC"),
      (e) =>
        e instanceof CertificateError &&
        e.code === "ERR_PKCS12_ITERATIONS" &&
        new RegExp(`MAC iteration count ${bad} is outside`).test(e.message),
    );
  }
});
