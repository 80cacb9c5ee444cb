import { readFileSync } from "node:fs";
import { looksLikePem } from "../../lib/cert/certificate_format.js";
import { type DerNode, decodeDer, derInvalid, isUniversal } from "../../lib/cert/der.js";

/** Reads a fixture of `fixtures/pfx/` relative to the compiled `build/spec/support/`. */
export function pfxFixture(name: string): Buffer {
  return readFileSync(new URL(`../../../fixtures/pfx/${name}`, import.meta.url));
}

/** The openssl figures of `fixtures/pfx/expected.json`. */
export interface ExpectedPfx {
  password: string;
  info: string[];
  certificates: number;
  sha1?: string;
  sha256?: string;
  spkiSha256?: string;
}

/** Loads `fixtures/pfx/expected.json`. */
export function expectedPfx(): Record<string, ExpectedPfx> {
  return JSON.parse(
    readFileSync(new URL("../../../fixtures/pfx/expected.json", import.meta.url), "utf8"),
  );
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let v = length; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Encodes one TLV with a low tag number. */
export function tlv(
  tagClass: number,
  constructed: boolean,
  tagNumber: number,
  content: Uint8Array,
): Buffer {
  const identifier = (tagClass << 6) | (constructed ? 0x20 : 0) | tagNumber;
  return Buffer.concat([Buffer.from([identifier]), encodeLength(content.length), content]);
}

/** A DER OBJECT IDENTIFIER from dotted text. */
export function oidTlv(text: string): Buffer {
  const arcs = text.split(".").map(Number);
  const bytes = [arcs[0]! * 40 + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const group = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      group.unshift(0x80 | (v & 0x7f));
    bytes.push(...group);
  }
  return tlv(0, false, 6, Buffer.from(bytes));
}

/** A DER INTEGER of a non-negative number. */
export function integer(value: number): Buffer {
  const bytes: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0, false, 2, Buffer.from(bytes));
}

/**
 * Re-encodes a decoded tree, replacing the nodes for which `edit` returns bytes. Lengths of every
 * enclosing element are recomputed, so the result is valid DER around the edit.
 */
export function rewrite(node: DerNode, edit: (node: DerNode) => Uint8Array | undefined): Buffer {
  const replaced = edit(node);
  if (replaced) return Buffer.from(replaced);
  if (!node.constructed) return Buffer.from(node.raw);
  return tlv(
    node.tagClass,
    true,
    node.tagNumber,
    Buffer.concat(node.children.map((child) => rewrite(child, edit))),
  );
}

/** Decodes a whole file, for tests that navigate to a node. */
export function tree(data: Uint8Array): DerNode {
  return decodeDer(data);
}

/** `n` nested empty-ended SEQUENCEs with correct definite lengths. */
export function nestedSequences(levels: number): Buffer {
  let inner: Buffer = Buffer.alloc(0);
  for (let i = 0; i < levels; i++) inner = tlv(0, true, 16, inner);
  return inner;
}

/** A copy of `data` with the `occurrence`-th (0-based; -1 for the last) match of `from` replaced by `to`. */
export function patchBytes(
  data: Uint8Array,
  from: Uint8Array,
  to: Uint8Array,
  occurrence = 0,
): Buffer {
  const buffer = Buffer.from(data);
  const positions: number[] = [];
  for (let at = buffer.indexOf(from); at !== -1; at = buffer.indexOf(from, at + 1))
    positions.push(at);
  const at = occurrence < 0 ? positions[positions.length + occurrence] : positions[occurrence];
  if (at === undefined) throw new Error("pattern not found");
  return Buffer.concat([buffer.subarray(0, at), to, buffer.subarray(at + from.length)]);
}

/** Reads a BIT STRING with no unused bits; PKCS#12 never needs one, so only the DER tests do. */
export function bitString(node: DerNode | undefined, what: string): Uint8Array {
  if (!isUniversal(node, 3) || node.constructed) throw derInvalid(`${what} must be a BIT STRING`);
  if (node.value.length === 0 || node.value[0] !== 0)
    throw derInvalid(`${what} must be a BIT STRING with no unused bits`);
  return node.value.subarray(1);
}

/**
 * Whether `data` could be PKCS#12: not PEM, and a DER SEQUENCE whose length covers the whole
 * input. The loader only checks the first byte and lets the PKCS#12 reader do the rest.
 */
export function isPkcs12(data: Uint8Array): boolean {
  if (data.length < 4 || data[0] !== 0x30 || looksLikePem(data)) return false;
  const first = data[1]!;
  if (first < 0x80) return 2 + first === data.length;
  const count = first & 0x7f;
  if (count === 0 || count > 4 || data.length < 2 + count) return false;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + data[2 + i]!;
  return 2 + count + length === data.length;
}
