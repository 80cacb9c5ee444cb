import { CertificateError } from "../../lib/errors.js";
import { rc2ExpandKey } from "../../lib/cert/rc2.js";

const SHIFTS = [1, 2, 3, 5] as const;

/**
 * Encrypts one 8-byte block in place (RFC 2268 §3); the library only decrypts, so tests use this
 * to check the known-answer vectors both ways.
 */
export function rc2EncryptBlock(k: Uint16Array, block: Buffer, offset = 0): void {
  const r = new Uint16Array(4);
  for (let i = 0; i < 4; i++) r[i] = block.readUInt16LE(offset + 2 * i);
  let j = 0;
  for (let round = 0; round < 16; round++) {
    for (let i = 0; i < 4; i++) {
      const sum =
        r[i]! +
        k[j++]! +
        (r[(i + 3) & 3]! & r[(i + 2) & 3]!) +
        (~r[(i + 3) & 3]! & r[(i + 1) & 3]!);
      const x = sum & 0xffff;
      r[i] = (x << SHIFTS[i]!) | (x >> (16 - SHIFTS[i]!));
    }
    if (round === 4 || round === 10) {
      for (let i = 0; i < 4; i++) r[i] = r[i]! + k[r[(i + 3) & 3]! & 63]!;
    }
  }
  for (let i = 0; i < 4; i++) block.writeUInt16LE(r[i]!, offset + 2 * i);
}

/** RC2-CBC encryption with PKCS#7 padding, the inverse of `rc2CbcDecrypt`, for fixtures. */
export function rc2CbcEncrypt(
  key: Uint8Array,
  effectiveBits: number,
  iv: Uint8Array,
  plaintext: Uint8Array,
): Buffer {
  if (iv.length !== 8)
    throw new CertificateError("ERR_DER_INVALID", "invalid DER: RC2-CBC needs an 8-byte IV");
  const k = rc2ExpandKey(key, effectiveBits);
  const pad = 8 - (plaintext.length % 8);
  const out = Buffer.concat([plaintext, Buffer.alloc(pad, pad)]);
  let previous: Uint8Array = iv;
  for (let offset = 0; offset < out.length; offset += 8) {
    for (let i = 0; i < 8; i++) out[offset + i]! ^= previous[i]!;
    rc2EncryptBlock(k, out, offset);
    previous = out.subarray(offset, offset + 8);
  }
  return out;
}
