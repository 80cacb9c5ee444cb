/**
 * A small, strict reader for the DER encoding of ASN.1 (ITU-T X.690), enough for PKCS#12: tags
 * (including the high-tag-number form), definite lengths in short and long form, and the
 * primitive types the PFX format uses. Every length is checked against the bytes that remain,
 * and nesting is capped so hostile input cannot exhaust the stack.
 *
 * @module
 */
import { CertificateError } from "../errors.js";

/** Tag classes of X.690 §8.1.2.2. */
export const TagClass = { universal: 0, application: 1, context: 2, private: 3 } as const;

/** Universal tag numbers this package reads. */
export const Tag = {
  boolean: 1,
  integer: 2,
  bitString: 3,
  octetString: 4,
  null: 5,
  oid: 6,
  utf8String: 12,
  sequence: 16,
  set: 17,
  bmpString: 30,
} as const;

/** The deepest nesting {@link decodeDer} accepts; PKCS#12 needs about 10 levels. */
export const MAX_DER_DEPTH = 32;

/** One decoded TLV. Constructed nodes carry their children; primitive nodes only `value`. */
export interface DerNode {
  /** One of {@link TagClass}. */
  readonly tagClass: number;
  /** The tag number within its class. */
  readonly tagNumber: number;
  /** Whether the encoding is constructed (bit 6 of the identifier octet). */
  readonly constructed: boolean;
  /** The contents octets (a view into the input, not a copy). */
  readonly value: Uint8Array;
  /** The whole encoding, identifier and length included. */
  readonly raw: Uint8Array;
  /** The decoded children of a constructed node, in order; empty for a primitive node. */
  readonly children: readonly DerNode[];
}

function invalid(message: string): CertificateError {
  return new CertificateError("ERR_DER_INVALID", `invalid DER: ${message}`);
}

interface Header {
  tagClass: number;
  tagNumber: number;
  constructed: boolean;
  contentStart: number;
  contentEnd: number;
}

function readHeader(data: Uint8Array, offset: number, end: number): Header {
  if (offset >= end) throw invalid(`expected a tag at offset ${offset} but the data ends`);
  const first = data[offset]!;
  let pos = offset + 1;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let count = 0; ; count++) {
      if (pos >= end) throw invalid(`tag at offset ${offset} is cut off`);
      if (count === 3) throw invalid(`tag number at offset ${offset} is too large`);
      const byte = data[pos++]!;
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
  }
  if (pos >= end) throw invalid(`length at offset ${pos} is missing`);
  const lengthByte = data[pos++]!;
  let length = lengthByte;
  if (lengthByte === 0x80)
    throw invalid(`indefinite length at offset ${pos - 1} (BER) is not supported`);
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > 4)
      throw invalid(`length at offset ${pos - 1} uses ${count} octets; at most 4 are supported`);
    if (pos + count > end) throw invalid(`length at offset ${pos - 1} is cut off`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[pos++]!;
  }
  const left = end - pos;
  if (length > left)
    throw invalid(`length ${length} at offset ${offset} exceeds the ${left} bytes left`);
  return {
    tagClass: first >> 6,
    tagNumber,
    constructed: (first & 0x20) !== 0,
    contentStart: pos,
    contentEnd: pos + length,
  };
}

function decodeAt(data: Uint8Array, offset: number, end: number, depth: number): DerNode {
  if (depth > MAX_DER_DEPTH) throw invalid(`nesting deeper than ${MAX_DER_DEPTH} levels`);
  const header = readHeader(data, offset, end);
  const children: DerNode[] = [];
  if (header.constructed) {
    let pos = header.contentStart;
    while (pos < header.contentEnd) {
      const child = decodeAt(data, pos, header.contentEnd, depth + 1);
      children.push(child);
      pos = child.raw.byteOffset - data.byteOffset + child.raw.length;
    }
  }
  return {
    tagClass: header.tagClass,
    tagNumber: header.tagNumber,
    constructed: header.constructed,
    value: data.subarray(header.contentStart, header.contentEnd),
    raw: data.subarray(offset, header.contentEnd),
    children,
  };
}

/**
 * Decodes exactly one DER element covering all of `data`, with its whole subtree.
 *
 * @param data - the encoding.
 * @returns the root node; children are views into `data`.
 * @throws CertificateError `ERR_DER_INVALID` for a truncated or over-long length, trailing bytes,
 * indefinite lengths, or nesting deeper than {@link MAX_DER_DEPTH}.
 */
export function decodeDer(data: Uint8Array): DerNode {
  const root = decodeAt(data, 0, data.length, 0);
  if (root.raw.length !== data.length) {
    throw invalid(`${data.length - root.raw.length} trailing bytes after the top-level element`);
  }
  return root;
}

function isUniversal(node: DerNode, tagNumber: number): boolean {
  return node.tagClass === TagClass.universal && node.tagNumber === tagNumber;
}

/**
 * Checks `node` is a SEQUENCE and returns its children.
 *
 * @param node - the element, or `undefined` when an expected element is absent.
 * @param what - names the field in the error message.
 * @param minChildren - the fewest children accepted.
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function sequence(
  node: DerNode | undefined,
  what: string,
  minChildren = 0,
): readonly DerNode[] {
  if (!node || !isUniversal(node, Tag.sequence) || !node.constructed)
    throw invalid(`${what} must be a SEQUENCE`);
  if (node.children.length < minChildren)
    throw invalid(`${what} has ${node.children.length} fields; expected at least ${minChildren}`);
  return node.children;
}

/**
 * Checks `node` is a SET and returns its children.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function set(node: DerNode | undefined, what: string): readonly DerNode[] {
  if (!node || !isUniversal(node, Tag.set) || !node.constructed)
    throw invalid(`${what} must be a SET`);
  return node.children;
}

/**
 * Returns the only child of a constructed context-specific tag `[n]` (an EXPLICIT tag).
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function explicit(node: DerNode | undefined, tagNumber: number, what: string): DerNode {
  if (
    !node ||
    node.tagClass !== TagClass.context ||
    node.tagNumber !== tagNumber ||
    !node.constructed
  ) {
    throw invalid(`${what} must be an explicit [${tagNumber}] tag`);
  }
  if (node.children.length !== 1) throw invalid(`${what} must hold exactly one element`);
  return node.children[0]!;
}

/**
 * Reads an OBJECT IDENTIFIER as dotted decimal text.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function oid(node: DerNode | undefined, what: string): string {
  if (!node || !isUniversal(node, Tag.oid) || node.constructed)
    throw invalid(`${what} must be an OBJECT IDENTIFIER`);
  const bytes = node.value;
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0)
    throw invalid(`${what} is a malformed OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    if (value === 0 && byte === 0x80)
      throw invalid(`${what} has a non-minimal OBJECT IDENTIFIER arc`);
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128)
      throw invalid(`${what} has an OBJECT IDENTIFIER arc that is too large`);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(2, Math.floor(value / 40));
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join(".");
}

/**
 * Reads a non-negative INTEGER that must not exceed `max` (counts, versions, lengths).
 *
 * @throws CertificateError `ERR_DER_INVALID` when negative, too large or malformed.
 */
export function smallInteger(
  node: DerNode | undefined,
  what: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (!node || !isUniversal(node, Tag.integer) || node.constructed)
    throw invalid(`${what} must be an INTEGER`);
  const bytes = node.value;
  if (bytes.length === 0) throw invalid(`${what} is an empty INTEGER`);
  if ((bytes[0]! & 0x80) !== 0) throw invalid(`${what} must not be negative`);
  let value = 0;
  for (const byte of bytes) {
    value = value * 256 + byte;
    if (value > max) throw invalid(`${what} exceeds ${max}`);
  }
  return value;
}

/**
 * Reads an OCTET STRING's contents. A constructed OCTET STRING (allowed by BER, written by some
 * PKCS#12 producers) is joined from its primitive segments.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function octetString(node: DerNode | undefined, what: string): Uint8Array {
  if (!node || !isUniversal(node, Tag.octetString))
    throw invalid(`${what} must be an OCTET STRING`);
  if (!node.constructed) return node.value;
  const parts = node.children.map((child) => {
    if (!isUniversal(child, Tag.octetString) || child.constructed)
      throw invalid(`${what} has a segment that is not a primitive OCTET STRING`);
    return child.value;
  });
  return Buffer.concat(parts);
}

/**
 * Reads a BIT STRING with no unused bits (keys, signatures) and returns its bytes.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function bitString(node: DerNode | undefined, what: string): Uint8Array {
  if (!node || !isUniversal(node, Tag.bitString) || node.constructed)
    throw invalid(`${what} must be a BIT STRING`);
  if (node.value.length === 0 || node.value[0] !== 0)
    throw invalid(`${what} must be a BIT STRING with no unused bits`);
  return node.value.subarray(1);
}

/**
 * Reads a BMPString (big-endian UTF-16) as text.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function bmpString(node: DerNode | undefined, what: string): string {
  if (!node || !isUniversal(node, Tag.bmpString) || node.constructed)
    throw invalid(`${what} must be a BMPString`);
  if (node.value.length % 2 !== 0) throw invalid(`${what} has an odd number of bytes`);
  const swapped = Buffer.from(node.value);
  swapped.swap16();
  return swapped.toString("utf16le");
}

/** Whether `node` is a universal NULL, or absent (both mean "no parameters"). */
export function isAbsentOrNull(node: DerNode | undefined): boolean {
  return node === undefined || (isUniversal(node, Tag.null) && node.value.length === 0);
}
