import { createHmac } from "node:crypto";
import { type DerNode, decodeDer, oid, smallInteger } from "../../lib/cert/der.js";
import { bmpPassword, pkcs12Kdf } from "../../lib/cert/pkcs12_kdf.js";
import { MAC_DIGESTS } from "../../lib/cert/pkcs12_oids.js";
import { rewrite, tlv } from "./der_edit.js";

/** A small deterministic PRNG (xorshift32); the same seed gives the same inputs on every machine. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
}

/** Where the DER headers are: offsets of every element, descending into OCTET STRINGs that hold DER. */
export function headerOffsets(data: Uint8Array): number[] {
  const offsets: number[] = [];
  const visit = (node: DerNode, depth: number): void => {
    offsets.push(node.raw.byteOffset - data.byteOffset);
    for (const child of node.children) visit(child, depth);
    if (
      !node.constructed &&
      node.tagNumber === 4 &&
      node.value.length > 1 &&
      node.value[0] === 0x30 &&
      depth < 4
    ) {
      try {
        visit(decodeDer(node.value), depth + 1);
      } catch {
        // Not DER inside (ciphertext or a certificate digest): nothing more to tamper with here.
      }
    }
  };
  visit(decodeDer(data), 0);
  return offsets;
}

/** The kinds of mutation, in the order `mutate` picks from. */
export const MUTATIONS = ["bitflip", "truncate", "length", "insert", "inner"] as const;
export type Mutation = (typeof MUTATIONS)[number];

function flipBits(data: Buffer, prng: Prng): Buffer {
  const out = Buffer.from(data);
  for (let n = 1 + prng.below(4); n > 0; n--) out[prng.below(out.length)]! ^= 1 << prng.below(8);
  return out;
}

function insertBytes(data: Buffer, prng: Prng): Buffer {
  const at = prng.below(data.length + 1);
  const extra = Buffer.alloc(1 + prng.below(8));
  for (let i = 0; i < extra.length; i++) extra[i] = prng.below(256);
  return Buffer.concat([data.subarray(0, at), extra, data.subarray(at)]);
}

function tamperLength(data: Buffer, offsets: number[], prng: Prng): Buffer {
  const out = Buffer.from(data);
  const at = offsets[prng.below(offsets.length)]! + 1;
  if (at >= out.length) return out;
  const choices = [out[at]! + 1, out[at]! - 1, 0x80, 0x84, 0xff, prng.below(256), 0x7f, 0x00];
  out[at] = choices[prng.below(choices.length)]! & 0xff;
  if (out[at] === 0x84 && at + 4 < out.length) out.writeUInt32BE(prng.next(), at + 1);
  return out;
}

/**
 * Mutates the AuthenticatedSafe inside a PFX and, when the PFX has a MAC, recomputes the MAC with
 * the password, so the mutation reaches the bag parsers instead of stopping at the MAC.
 */
function mutateInner(data: Buffer, password: string, prng: Prng): Buffer {
  const root = decodeDer(data);
  const authSafe = root.children[1]?.children[1]?.children[0];
  if (!authSafe) return flipBits(data, prng);
  const inner = Buffer.from(authSafe.value);
  const offsets = (() => {
    try {
      return headerOffsets(inner);
    } catch {
      return [0];
    }
  })();
  const pick = prng.below(3);
  const mutated =
    pick === 0
      ? flipBits(inner, prng)
      : pick === 1
        ? tamperLength(inner, offsets, prng)
        : insertBytes(inner, prng);
  const macData = root.children[2];
  let mac: Buffer | undefined;
  if (macData) {
    const algorithm = macData.children[0]?.children[0]?.children[0];
    const digest = MAC_DIGESTS.get(algorithm ? oid(algorithm, "MAC algorithm") : "")!;
    const iterations = macData.children[2]
      ? smallInteger(macData.children[2], "MAC iterations")
      : 1;
    const key = pkcs12Kdf(
      digest,
      bmpPassword(password),
      macData.children[1]!.value,
      iterations,
      3,
      digest.outputBytes,
    );
    mac = createHmac(digest.name, key).update(mutated).digest();
  }
  const macDigest = macData?.children[0]?.children[1];
  return rewrite(root, (node) => {
    if (node === authSafe) return tlv(0, false, 4, mutated);
    if (mac && node === macDigest) return tlv(0, false, 4, mac);
    return undefined;
  });
}

/** One mutated input: which mutation made it and the bytes. */
export interface FuzzInput {
  mutation: Mutation;
  data: Buffer;
}

/**
 * Makes one mutated copy of `data`.
 *
 * @param data - a valid PFX.
 * @param offsets - from {@link headerOffsets} of `data`.
 * @param password - the PFX's password, for re-computing the MAC after an inner mutation.
 * @param prng - the seeded generator.
 */
export function mutate(data: Buffer, offsets: number[], password: string, prng: Prng): FuzzInput {
  const mutation = MUTATIONS[prng.below(MUTATIONS.length)]!;
  switch (mutation) {
    case "bitflip":
      return { mutation, data: flipBits(data, prng) };
    case "truncate":
      return { mutation, data: data.subarray(0, prng.below(data.length)) };
    case "length":
      return { mutation, data: tamperLength(data, offsets, prng) };
    case "insert":
      return { mutation, data: insertBytes(data, prng) };
    case "inner":
      return { mutation, data: mutateInner(data, password, prng) };
  }
}
