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
export const Tag = { integer: 2, octetString: 4, null: 5, oid: 6, sequence: 16, set: 17, bmp: 30 };

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

/**
 * Builds the error for malformed structure.
 *
 * @param message - what is wrong, naming the field.
 * @returns a CertificateError `ERR_DER_INVALID` whose message starts with `invalid DER:`.
 */
export function derInvalid(message: string): CertificateError {
  return new CertificateError("ERR_DER_INVALID", `invalid DER: ${message}`);
}

function decodeAt(data: Uint8Array, offset: number, end: number, depth: number): DerNode {
  if (depth > MAX_DER_DEPTH) throw derInvalid(`nesting deeper than ${MAX_DER_DEPTH} levels`);
  if (offset >= end) throw derInvalid(`expected a tag at offset ${offset} but the data ends`);
  const first = data[offset]!;
  let pos = offset + 1;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let count = 0; ; count++) {
      if (pos >= end) throw derInvalid(`tag at offset ${offset} is cut off`);
      if (count === 3) throw derInvalid(`tag number at offset ${offset} is too large`);
      const byte = data[pos++]!;
      tagNumber = tagNumber * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) break;
    }
  }
  if (pos >= end) throw derInvalid(`length at offset ${pos} is missing`);
  const lengthAt = pos;
  let length = data[pos++]!;
  if (length === 0x80)
    throw derInvalid(`indefinite length at offset ${lengthAt} (BER) is not supported`);
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4)
      throw derInvalid(
        `length at offset ${lengthAt} uses ${count} octets; at most 4 are supported`,
      );
    if (pos + count > end) throw derInvalid(`length at offset ${lengthAt} is cut off`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + data[pos++]!;
  }
  if (length > end - pos)
    throw derInvalid(`length ${length} at offset ${offset} exceeds the ${end - pos} bytes left`);
  const contentEnd = pos + length;
  const constructed = (first & 0x20) !== 0;
  const children: DerNode[] = [];
  for (let at = pos; constructed && at < contentEnd;) {
    const child = decodeAt(data, at, contentEnd, depth + 1);
    children.push(child);
    at += child.raw.length;
  }
  const value = data.subarray(pos, contentEnd);
  const raw = data.subarray(offset, contentEnd);
  return { tagClass: first >> 6, tagNumber, constructed, value, raw, children };
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
  const trailing = data.length - root.raw.length;
  if (trailing !== 0) throw derInvalid(`${trailing} trailing bytes after the top-level element`);
  return root;
}

/** Whether `node` is present and of the universal type `tagNumber`. */
export function isUniversal(node: DerNode | undefined, tagNumber: number): node is DerNode {
  return node?.tagClass === TagClass.universal && node.tagNumber === tagNumber;
}

/** `node` when it is the universal type `tagNumber`; only OCTET STRING may be either form. */
function expect(node: DerNode | undefined, tagNumber: number, type: string, what: string): DerNode {
  const constructed = tagNumber === Tag.sequence || tagNumber === Tag.set;
  if (
    !isUniversal(node, tagNumber) ||
    (tagNumber !== Tag.octetString && node.constructed !== constructed)
  )
    throw derInvalid(`${what} must be ${type}`);
  return node;
}

/**
 * Checks `node` is a SEQUENCE and returns its children.
 *
 * @param node - the element, or `undefined` when an expected element is absent.
 * @param what - names the field in the error message.
 * @param min - the fewest children accepted.
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function sequence(node: DerNode | undefined, what: string, min = 0): readonly DerNode[] {
  const { children } = expect(node, Tag.sequence, "a SEQUENCE", what);
  if (children.length < min)
    throw derInvalid(`${what} has ${children.length} fields; expected at least ${min}`);
  return children;
}

/**
 * Checks `node` is a SET and returns its children.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function set(node: DerNode | undefined, what: string): readonly DerNode[] {
  return expect(node, Tag.set, "a SET", what).children;
}

/**
 * Returns the only child of a constructed context-specific tag `[n]` (an EXPLICIT tag).
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function explicit(node: DerNode | undefined, tagNumber: number, what: string): DerNode {
  if (node?.tagClass !== TagClass.context || node.tagNumber !== tagNumber || !node.constructed)
    throw derInvalid(`${what} must be an explicit [${tagNumber}] tag`);
  if (node.children.length !== 1) throw derInvalid(`${what} must hold exactly one element`);
  return node.children[0]!;
}

/**
 * Reads an OBJECT IDENTIFIER as dotted decimal text.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function oid(node: DerNode | undefined, what: string): string {
  const bytes = expect(node, Tag.oid, "an OBJECT IDENTIFIER", what).value;
  if (bytes.length === 0 || (bytes[bytes.length - 1]! & 0x80) !== 0)
    throw derInvalid(`${what} is a malformed OBJECT IDENTIFIER`);
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    if (value === 0 && byte === 0x80)
      throw derInvalid(`${what} has a non-minimal OBJECT IDENTIFIER arc`);
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128)
      throw derInvalid(`${what} has an OBJECT IDENTIFIER arc that is too large`);
    if ((byte & 0x80) !== 0) continue;
    arcs.push(value);
    value = 0;
  }
  const first = Math.min(2, Math.floor(arcs[0]! / 40));
  return [first, arcs[0]! - first * 40, ...arcs.slice(1)].join(".");
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
  const bytes = expect(node, Tag.integer, "an INTEGER", what).value;
  if (bytes.length === 0) throw derInvalid(`${what} is an empty INTEGER`);
  if ((bytes[0]! & 0x80) !== 0) throw derInvalid(`${what} must not be negative`);
  let value = 0;
  for (const byte of bytes) {
    value = value * 256 + byte;
    if (value > max) throw derInvalid(`${what} exceeds ${max}`);
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
  const { constructed, value, children } = expect(node, Tag.octetString, "an OCTET STRING", what);
  if (!constructed) return value;
  return Buffer.concat(
    children.map((child) => {
      if (!isUniversal(child, Tag.octetString) || child.constructed)
        throw derInvalid(`${what} has a segment that is not a primitive OCTET STRING`);
      return child.value;
    }),
  );
}

/**
 * Reads a BMPString (big-endian UTF-16) as text.
 *
 * @throws CertificateError `ERR_DER_INVALID`.
 */
export function bmpString(node: DerNode | undefined, what: string): string {
  const swapped = Buffer.from(expect(node, Tag.bmp, "a BMPString", what).value);
  if (swapped.length % 2 !== 0) throw derInvalid(`${what} has an odd number of bytes`);
  return swapped.swap16().toString("utf16le");
}

/** Whether `node` is a universal NULL, or absent (both mean "no parameters"). */
export function isAbsentOrNull(node: DerNode | undefined): boolean {
  return node === undefined || (isUniversal(node, Tag.null) && node.value.length === 0);
}
