import { test } from "node:test";
import assert from "node:assert/strict";
import { CertificateError } from "../../lib/errors.js";
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from "../../lib/cert/rc2.js";
import { rc2CbcEncrypt, rc2EncryptBlock } from "../support/rc2_encrypt.js";

const hex = (text: string) => Buffer.from(text, "hex");

// RFC 2268 §5: key, effective key bits, plaintext, ciphertext.
const vectors: Array<[string, number, string, string]> = [
  ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
  ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
  ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
  ["88", 64, "0000000000000000", "61a8a244adacccf0"],
  ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
  ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
  ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
  [
    "88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e",
    129,
    "0000000000000000",
    "5b78d3a43dfff1f1",
  ],
];

for (const [key, bits, plain, cipher] of vectors) {
  test(`RC2 RFC 2268 vector: key ${key.slice(0, 16)}… with ${bits} effective bits`, () => {
    const k = rc2ExpandKey(hex(key), bits);
    const block = hex(plain);
    rc2EncryptBlock(k, block);
    assert.equal(block.toString("hex"), cipher);
    rc2DecryptBlock(k, block);
    assert.equal(block.toString("hex"), plain);
  });
}

// Produced by `openssl enc -rc2-40-cbc` / `-rc2-cbc` with the legacy provider.
const cbc: Array<[string, number, string, string, string]> = [
  [
    "0102030405",
    40,
    "0001020304050607",
    "entra-zero rc2 cbc test",
    "5fb413e5c83058e7e7f052b6beed5923b7e3a6e56b9778cb",
  ],
  [
    "000102030405060708090a0b0c0d0e0f",
    128,
    "0706050403020100",
    "entra-zero rc2 cbc test, 128-bit",
    "51714ba09dd11f09dadac1483a8ba659a2a9c068d73b28765858ce0f86c7339f356ada2e0991865b",
  ],
];
for (const [key, bits, iv, plain, cipher] of cbc) {
  test(`RC2-CBC matches openssl enc with ${bits}-bit keys`, () => {
    assert.equal(
      rc2CbcEncrypt(hex(key), bits, hex(iv), Buffer.from(plain)).toString("hex"),
      cipher,
    );
    assert.equal(rc2CbcDecrypt(hex(key), bits, hex(iv), hex(cipher)).toString(), plain);
  });
}

test("RC2-CBC reports bad padding as a wrong password", () => {
  const ciphertext = rc2CbcEncrypt(
    hex("0102030405"),
    40,
    hex("0001020304050607"),
    Buffer.from("secret text"),
  );
  assert.throws(
    () => rc2CbcDecrypt(hex("0102030406"), 40, hex("0001020304050607"), ciphertext),
    (e) =>
      e instanceof CertificateError &&
      e.code === "ERR_CERT_PASSWORD" &&
      /bad padding/.test(e.message),
  );
});

test("RC2-CBC rejects partial blocks and bad parameters", () => {
  assert.throws(() => rc2CbcDecrypt(hex("01"), 40, hex("0001020304050607"), Buffer.alloc(7)), {
    code: "ERR_DER_INVALID",
    message: /whole 8-byte blocks/,
  });
  assert.throws(() => rc2CbcDecrypt(hex("01"), 40, hex("00"), Buffer.alloc(8)), {
    code: "ERR_DER_INVALID",
    message: /8-byte IV/,
  });
  assert.throws(() => rc2ExpandKey(Buffer.alloc(0), 40), {
    code: "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    message: /1–128 byte key/,
  });
  assert.throws(() => rc2ExpandKey(Buffer.alloc(8), 0), {
    code: "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    message: /effective bits/,
  });
});
