/**
 * Tells certificate file formats apart by content, never by file name: PEM is text with
 * `-----BEGIN` armour; anything else that starts as a DER SEQUENCE is tried as PKCS#12.
 *
 * @module
 */

const PEM_MARKER = Buffer.from("-----BEGIN", "latin1");

/**
 * Whether `data` looks like PEM (contains a `-----BEGIN` line anywhere, so leading text and a BOM
 * are fine).
 *
 * @param data - the file contents.
 * @returns true for PEM text.
 */
export function looksLikePem(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(PEM_MARKER);
}

/**
 * Whether `data` could be PKCS#12: not PEM, and starting with a DER SEQUENCE whose length covers
 * the whole input. A cheap test; `parsePkcs12` does the real checking.
 *
 * @param data - the file contents.
 * @returns true when the data should be handed to the PKCS#12 reader.
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
