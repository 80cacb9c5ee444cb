import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { looksLikePem, parseCertificateData } from "../../lib/cert/certificate_format.js";
import { isPkcs12, pfxFixture } from "../support/der_edit.js";

const pem = readFileSync(new URL("../../../fixtures/certs/cert.pem", import.meta.url));
const crlfKeyFirst = readFileSync(
  new URL("../../../fixtures/certs/cert_key_first_crlf.pem", import.meta.url),
);

test("looksLikePem finds PEM armour by content, with leading text or a BOM", () => {
  assert.equal(looksLikePem(pem), true);
  assert.equal(looksLikePem(crlfKeyFirst), true);
  assert.equal(looksLikePem(Buffer.concat([Buffer.from("\ufeffBag Attributes\n"), pem])), true);
  assert.equal(looksLikePem(new Uint8Array(pem).subarray(0)), true);
  assert.equal(looksLikePem(pfxFixture("default.pfx")), false);
  assert.equal(looksLikePem(new Uint8Array(0)), false);
});

test("isPkcs12 accepts a DER SEQUENCE covering the input and nothing else", () => {
  assert.equal(isPkcs12(pfxFixture("default.pfx")), true);
  assert.equal(isPkcs12(pfxFixture("legacy.pfx")), true);
  assert.equal(isPkcs12(Buffer.from("3003020103", "hex")), true);
  assert.equal(isPkcs12(pem), false);
  assert.equal(isPkcs12(pfxFixture("default.pfx").subarray(0, 100)), false);
  assert.equal(isPkcs12(Buffer.from("0403010203", "hex")), false);
  assert.equal(isPkcs12(Buffer.from("3080", "hex")), false);
});

test("parseCertificateData reads PEM and PKCS#12 by content and refuses anything else", async () => {
  const subject = "CN=entra-zero test app";
  assert.equal(
    (await parseCertificateData(pfxFixture("default.pfx"), "fixture-password")).certificate.subject,
    subject,
  );
  assert.ok((await parseCertificateData(pem, undefined)).certificate);
  assert.throws(() => parseCertificateData(Buffer.from("not a certificate"), undefined), {
    name: "CertificateError",
    code: "ERR_CERT_FORMAT",
    message: /neither PEM text nor a PKCS#12 \(DER\) file/,
  });
});
