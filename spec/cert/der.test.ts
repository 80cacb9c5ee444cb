import { test } from "node:test";
import assert from "node:assert/strict";
import { CertificateError } from "../../lib/errors.js";
import {
  bmpString,
  decodeDer,
  explicit,
  MAX_DER_DEPTH,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
} from "../../lib/cert/der.js";
import { bitString, nestedSequences } from "../support/der_edit.js";

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");
const derError = (gist: RegExp) => (e: unknown) =>
  e instanceof CertificateError && e.code === "ERR_DER_INVALID" && gist.test(e.message);

test("decodeDer reads tags, classes and short and long lengths", () => {
  const empty = decodeDer(hex("3000"));
  assert.equal(empty.tagNumber, 16);
  assert.equal(empty.constructed, true);
  assert.equal(empty.children.length, 0);

  const long = decodeDer(hex("3081 03 020105"));
  assert.equal(smallInteger(long.children[0], "x"), 5);

  const twoByteLength = decodeDer(Buffer.concat([hex("0482 0100"), Buffer.alloc(256, 7)]));
  assert.equal(octetString(twoByteLength, "x").length, 256);

  const context = decodeDer(hex("a003 0201 07"));
  assert.equal(context.tagClass, 2);
  assert.equal(smallInteger(explicit(context, 0, "x"), "x"), 7);

  const highTag = decodeDer(hex("1f8101 00"));
  assert.equal(highTag.tagNumber, 129);
});

const malformed: Array<[string, string, RegExp]> = [
  ["empty input", "", /expected a tag at offset 0/],
  ["missing length", "30", /length at offset 1 is missing/],
  ["length past the end", "3005 0000", /length 5 at offset 0 exceeds the 2 bytes left/],
  [
    "long-form length past the end",
    "3082 ffff 00",
    /length 65535 at offset 0 exceeds the 1 bytes left/,
  ],
  ["cut-off long-form length", "3082 01", /length at offset 1 is cut off/],
  ["five-octet length", "3085 0000000001 00", /uses 5 octets/],
  ["indefinite length", "3080 0000", /indefinite length/],
  ["trailing bytes", "3000 00", /1 trailing bytes/],
  ["child overruns parent", "3003 0405 0000", /exceeds the 1 bytes left/],
  ["cut-off high tag", "1f81", /tag at offset 0 is cut off/],
  ["huge high tag", "1f81818101 00", /tag number at offset 0 is too large/],
];

for (const [name, input, gist] of malformed) {
  test(`decodeDer rejects ${name}`, () => {
    assert.throws(() => decodeDer(hex(input)), derError(gist));
  });
}

test("decodeDer caps nesting without overflowing the stack", () => {
  assert.equal(decodeDer(nestedSequences(MAX_DER_DEPTH + 1)).children.length, 1);
  assert.throws(
    () => decodeDer(nestedSequences(MAX_DER_DEPTH + 2)),
    derError(/nesting deeper than 32 levels/),
  );
  assert.throws(() => decodeDer(nestedSequences(5000)), derError(/nesting deeper than 32 levels/));
});

const oids: Array<[string, string]> = [
  ["06092a864886f70d010701", "1.2.840.113549.1.7.1"],
  ["06032a0304", "1.2.3.4"],
  ["0603813403", "2.100.3"],
  ["0601 00", "0.0"],
  ["060a2a864886f70d01090e01", "1.2.840.113549.1.9.14.1"],
];
for (const [input, expected] of oids) {
  test(`oid reads ${expected}`, () => assert.equal(oid(decodeDer(hex(input)), "x"), expected));
}

const badValues: Array<[string, () => unknown, RegExp]> = [
  [
    "empty OID",
    () => oid(decodeDer(hex("0600")), "the OID"),
    /the OID is a malformed OBJECT IDENTIFIER/,
  ],
  [
    "OID ending mid-arc",
    () => oid(decodeDer(hex("060181")), "the OID"),
    /malformed OBJECT IDENTIFIER/,
  ],
  ["OID with padded arc", () => oid(decodeDer(hex("0603 2a 8001")), "the OID"), /non-minimal/],
  [
    "OID arc overflow",
    () => oid(decodeDer(hex("060b 2a ffffffffffffffffff7f")), "the OID"),
    /too large/,
  ],
  [
    "non-OID as OID",
    () => oid(decodeDer(hex("020101")), "the OID"),
    /the OID must be an OBJECT IDENTIFIER/,
  ],
  [
    "negative integer",
    () => smallInteger(decodeDer(hex("0201ff")), "count"),
    /count must not be negative/,
  ],
  [
    "empty integer",
    () => smallInteger(decodeDer(hex("0200")), "count"),
    /count is an empty INTEGER/,
  ],
  [
    "integer over the limit",
    () => smallInteger(decodeDer(hex("02020800")), "count", 100),
    /count exceeds 100/,
  ],
  [
    "sequence too short",
    () => sequence(decodeDer(hex("3000")), "PFX", 2),
    /PFX has 0 fields; expected at least 2/,
  ],
  ["set expected", () => set(decodeDer(hex("3000")), "attributes"), /attributes must be a SET/],
  [
    "explicit tag expected",
    () => explicit(decodeDer(hex("3000")), 0, "content"),
    /content must be an explicit \[0\] tag/,
  ],
  [
    "bit string with unused bits",
    () => bitString(decodeDer(hex("030201ab")), "key"),
    /no unused bits/,
  ],
  ["odd BMPString", () => bmpString(decodeDer(hex("1e0100")), "name"), /odd number of bytes/],
  [
    "constructed octet string with a sequence inside",
    () => octetString(decodeDer(hex("24023000")), "data"),
    /segment/,
  ],
  ["absent field", () => oid(undefined, "the type"), /the type must be an OBJECT IDENTIFIER/],
];
for (const [name, fn, gist] of badValues) {
  test(`readers reject ${name}`, () => assert.throws(fn, derError(gist)));
}

test("value readers", () => {
  assert.equal(smallInteger(decodeDer(hex("02020800")), "x"), 2048);
  assert.equal(smallInteger(decodeDer(hex("020100")), "x"), 0);
  assert.deepEqual(
    Buffer.from(octetString(decodeDer(hex("2406 040161 040162")), "x")),
    Buffer.from("ab"),
  );
  assert.deepEqual(Buffer.from(bitString(decodeDer(hex("030300abcd")), "x")), hex("abcd"));
  assert.equal(bmpString(decodeDer(hex("1e06 0061 00e9 0031")), "x"), "aé1");
  assert.equal(set(decodeDer(hex("3103 020101")), "x").length, 1);
});
