/**
 * RC2 (RFC 2268) in CBC mode with PKCS#7 padding. Legacy PKCS#12 exports (Windows, `openssl
 * -legacy`) encrypt the certificate bag with 40-bit RC2, and Node's OpenSSL default provider no
 * longer offers RC2, so it lives here. Only for reading old files: RC2 is not a cipher to choose.
 *
 * @module
 */
import { CertificateError } from "../errors.js";
import { derInvalid } from "./der.js";

const PITABLE = Buffer.from(
  "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32" +
    "bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626" +
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a" +
    "961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731" +
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e" +
    "c5f3db47e5a59c770aa62068fe7fc1ad",
  "hex",
);

const SHIFTS = [1, 2, 3, 5] as const;

/**
 * Expands a key into RC2's 64 16-bit subkeys (RFC 2268 §2).
 *
 * @param key - 1 to 128 bytes.
 * @param effectiveBits - the effective key length T1, 1 to 1024.
 * @returns the subkeys K[0..63].
 * @throws CertificateError `ERR_PKCS12_UNSUPPORTED_ALGORITHM` for a key or bit count out of range.
 */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const bitsInRange =
    Number.isInteger(effectiveBits) && effectiveBits >= 1 && effectiveBits <= 1024;
  if (key.length < 1 || key.length > 128 || !bitsInRange)
    throw new CertificateError(
      "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
      "RC2 needs a 1–128 byte key and 1–1024 effective bits",
    );
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  for (let i = t; i < 128; i++) l[i] = PITABLE[(l[i - 1]! + l[i - t]!) & 0xff]!;
  const t8 = Math.ceil(effectiveBits / 8);
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = PITABLE[l[128 - t8]! & tm]!;
  for (let i = 127 - t8; i >= 0; i--) l[i] = PITABLE[l[i + 1]! ^ l[i + t8]!]!;
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = l[2 * i]! | (l[2 * i + 1]! << 8);
  l.fill(0);
  return k;
}

/**
 * Decrypts one 8-byte block in place (RFC 2268 §4).
 *
 * @param k - subkeys from {@link rc2ExpandKey}.
 * @param block - the buffer holding the block.
 * @param offset - where the block starts.
 */
export function rc2DecryptBlock(k: Uint16Array, block: Buffer, offset = 0): void {
  const r = new Uint16Array(4);
  for (let i = 0; i < 4; i++) r[i] = block.readUInt16LE(offset + 2 * i);
  let j = 63;
  for (let round = 15; round >= 0; round--) {
    for (let i = 3; i >= 0; i--) {
      const x = r[i]!;
      const rotated = ((x >> SHIFTS[i]!) | (x << (16 - SHIFTS[i]!))) & 0xffff;
      const [r1, r2, r3] = [r[(i + 3) & 3]!, r[(i + 2) & 3]!, r[(i + 1) & 3]!];
      r[i] = rotated - k[j--]! - (r1 & r2) - (~r1 & r3);
    }
    if (round === 5 || round === 11)
      for (let i = 3; i >= 0; i--) r[i] = r[i]! - k[r[(i + 3) & 3]! & 63]!;
  }
  for (let i = 0; i < 4; i++) block.writeUInt16LE(r[i]!, offset + 2 * i);
}

/**
 * RC2-CBC decryption with PKCS#7 padding removed.
 *
 * @param key - the key bytes.
 * @param effectiveBits - the effective key length (40 or 128 in PKCS#12).
 * @param iv - 8 bytes.
 * @param ciphertext - a multiple of 8 bytes.
 * @returns the plaintext.
 * @throws CertificateError `ERR_CERT_PASSWORD` when the padding is wrong (the usual sign of a wrong
 * password), `ERR_DER_INVALID` when the data is not whole blocks.
 */
export function rc2CbcDecrypt(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Buffer {
  if (iv.length !== 8 || ciphertext.length === 0 || ciphertext.length % 8 !== 0)
    throw derInvalid("RC2-CBC data must be whole 8-byte blocks with an 8-byte IV");
  const k = rc2ExpandKey(key, effectiveBits);
  const out = Buffer.from(ciphertext);
  for (let offset = 0; offset < out.length; offset += 8) {
    rc2DecryptBlock(k, out, offset);
    const previous = offset === 0 ? iv : ciphertext.subarray(offset - 8, offset);
    for (let i = 0; i < 8; i++) out[offset + i]! ^= previous[i]!;
  }
  k.fill(0);
  const pad = out[out.length - 1]!;
  if (!(pad >= 1 && pad <= 8 && out.subarray(out.length - pad).every((byte) => byte === pad))) {
    out.fill(0);
    throw new CertificateError(
      "ERR_CERT_PASSWORD",
      "bad padding after RC2 decryption: the password is wrong or the data is corrupt",
    );
  }
  return out.subarray(0, out.length - pad);
}
