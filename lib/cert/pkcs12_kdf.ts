/**
 * The key-derivation function of PKCS#12 (RFC 7292 Appendix B.2) and the password encodings that
 * feed it. The MAC and the legacy PBEs use it; PBES2 uses PBKDF2 instead.
 *
 * @module
 */
import { CertificateError } from "../errors.js";
import { type DerNode, smallInteger } from "./der.js";
import type { DigestInfo } from "./pkcs12_oids.js";

/** Purpose byte ID of RFC 7292 B.3: 1 = key, 2 = IV, 3 = MAC key. */
export type KdfPurpose = 1 | 2 | 3;

/**
 * The most iterations accepted by either KDF. Real files use 1–600 000; the cap keeps a tampered
 * count from pinning a CPU for minutes.
 */
export const MAX_KDF_ITERATIONS = 1_000_000;

/**
 * Reads a KDF iteration count and rejects one outside 1…{@link MAX_KDF_ITERATIONS}.
 *
 * @param node - the INTEGER from the file.
 * @param what - names the field in messages, e.g. `"MAC"`.
 * @returns the count.
 * @throws CertificateError `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`.
 */
export function readIterations(node: DerNode | undefined, what: string): number {
  const iterations = smallInteger(node, `${what} iterations`);
  if (iterations < 1 || iterations > MAX_KDF_ITERATIONS)
    throw new CertificateError(
      "ERR_PKCS12_ITERATIONS",
      `the ${what} iteration count ${iterations} is outside the accepted range 1–${MAX_KDF_ITERATIONS}`,
    );
  return iterations;
}

/**
 * The most iterations all the KDF runs of one file may take together: a MAC, a key and its
 * certificates at 600 000 each fit, six key bags at the per-run cap (15 s) do not.
 */
export const KDF_BUDGET = 2_000_000;

/**
 * Charges a derivation to its file's budget before it runs.
 *
 * @param budget - the iterations the file may still spend, shared by its password forms.
 * @param iterations - what the derivation costs.
 * @param what - names the derivation in messages, e.g. `"MAC"`.
 * @throws CertificateError `ERR_PKCS12_ITERATIONS` when the budget would be overdrawn.
 */
export function spendKdf(budget: { left: number }, iterations: number, what: string): void {
  budget.left -= iterations;
  if (budget.left < 0)
    throw new CertificateError(
      "ERR_PKCS12_ITERATIONS",
      `the ${what} key derivation would take the file past ${KDF_BUDGET} KDF iterations in all`,
    );
}

/**
 * Encodes a password as RFC 7292 B.1 asks: BMPString (big-endian UTF-16) with a two-zero-byte
 * terminator. `undefined` means "no password" and is the empty byte string, which differs from
 * the empty password (just the terminator). Bytes are the password's octets: read as UTF-8 when
 * they are valid UTF-8, otherwise each byte is widened to one UTF-16 unit (what OpenSSL does).
 *
 * @param password - the caller's password.
 * @returns the KDF input; the caller should zero it after use.
 */
export function bmpPassword(password: string | Uint8Array | undefined): Buffer {
  if (password === undefined) return Buffer.alloc(0);
  let text: string;
  try {
    text =
      typeof password === "string"
        ? password
        : new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(password);
  } catch {
    text = Buffer.from(password).toString("latin1");
  }
  const bytes = Buffer.alloc(text.length * 2 + 2);
  bytes.write(text, "utf16le");
  bytes.subarray(0, text.length * 2).swap16();
  return bytes;
}

function fillRepeated(source: Uint8Array, blockBytes: number): Buffer {
  const out = Buffer.alloc(Math.ceil(source.length / blockBytes) * blockBytes);
  for (let i = 0; i < out.length; i++) out[i] = source[i % source.length]!;
  return out;
}

/**
 * Derives `length` bytes with the PKCS#12 KDF.
 *
 * @param digest - the hash, with its output and block sizes.
 * @param password - the encoded password (see {@link bmpPassword}).
 * @param salt - the salt from the file.
 * @param iterations - from {@link readIterations}.
 * @param purpose - 1 key, 2 IV, 3 MAC key.
 * @param length - bytes wanted.
 * @returns the derived bytes.
 * @see https://www.rfc-editor.org/rfc/rfc7292#appendix-B.2
 */
export function pkcs12Kdf(
  digest: DigestInfo,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  purpose: KdfPurpose,
  length: number,
): Buffer {
  const { blockBytes: v, outputBytes: u } = digest;
  const diversifier = Buffer.alloc(v, purpose);
  const input = Buffer.concat([fillRepeated(salt, v), fillRepeated(password, v)]);
  const blocks = Math.ceil(length / u);
  const output = Buffer.alloc(blocks * u);
  const adder = Buffer.alloc(v);
  // crypto.hash (Node ≥ 20.12) is about twice as fast per call as createHash, and the KDF makes
  // one call per iteration; older Node 20 releases lack it.
  const nodeCrypto = process.getBuiltinModule("node:crypto");
  const once =
    typeof nodeCrypto.hash === "function"
      ? (data: Buffer) => nodeCrypto.hash(digest.name, data, "buffer")
      : (data: Buffer) => nodeCrypto.createHash(digest.name).update(data).digest();
  for (let block = 0; block < blocks; block++) {
    let a = nodeCrypto.createHash(digest.name).update(diversifier).update(input).digest();
    for (let round = 1; round < iterations; round++) a = once(a);
    a.copy(output, block * u);
    if (block === blocks - 1) break;
    for (let i = 0; i < v; i++) adder[i] = a[i % u]!;
    for (let offset = 0; offset < input.length; offset += v) {
      let carry = 1;
      for (let i = v - 1; i >= 0; i--) {
        const sum = input[offset + i]! + adder[i]! + carry;
        input[offset + i] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  input.fill(0);
  return output.subarray(0, length);
}
