/**
 * A small PKCS#12 (PFX) writer for test certificates: one certificate and its key, the key in a
 * PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) shrouded key bag, the whole authenticated with an
 * HMAC-SHA256 MAC (RFC 7292). What `lib/cert/pkcs12.ts` and OpenSSL 3 read.
 *
 * @module
 */
import { createHmac, createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import { bmpPassword, pkcs12Kdf } from "../cert/pkcs12_kdf.js";
import { MAC_DIGESTS } from "../cert/pkcs12_oids.js";
import * as der from "./der_writer.js";

const DATA = "1.2.840.113549.1.7.1";
const KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";
const X509 = "1.2.840.113549.1.9.22.1";
const LOCAL_KEY_ID = "1.2.840.113549.1.9.21";
const FRIENDLY_NAME = "1.2.840.113549.1.9.20";
const SHA256 = "2.16.840.1.101.3.4.2.1";
const MAC_ITERATIONS = 2048;

function dataContentInfo(content: Uint8Array): Buffer {
  return der.sequence(der.oid(DATA), der.contextTag(0, der.octetString(content)));
}

function bag(id: string, value: Uint8Array, keyId: Uint8Array, name: string): Buffer {
  const attributes = der.set(
    der.sequence(der.oid(LOCAL_KEY_ID), der.set(der.octetString(keyId))),
    der.sequence(der.oid(FRIENDLY_NAME), der.set(der.bmpString(name))),
  );
  return der.sequence(der.oid(id), der.contextTag(0, value), attributes);
}

/**
 * Encodes a certificate and its private key as a password-protected PKCS#12 file.
 *
 * @param certificate - the certificate, PEM.
 * @param privateKey - its private key, PEM.
 * @param password - the file's password.
 * @returns the PFX bytes.
 */
export function createPkcs12(certificate: string, privateKey: string, password: string): Buffer {
  const cert = new X509Certificate(certificate);
  const keyId = Buffer.from(cert.fingerprint256.replace(/:/g, ""), "hex").subarray(0, 20);
  const shrouded = createPrivateKey(privateKey).export({
    format: "der",
    type: "pkcs8",
    cipher: "aes-256-cbc",
    passphrase: password,
  });
  const certBag = der.sequence(der.oid(X509), der.contextTag(0, der.octetString(cert.raw)));
  const authenticatedSafe = der.sequence(
    dataContentInfo(der.sequence(bag(CERT_BAG, certBag, keyId, "entra-zero"))),
    dataContentInfo(der.sequence(bag(KEY_BAG, shrouded, keyId, "entra-zero"))),
  );
  const salt = randomBytes(16);
  const encoded = bmpPassword(password);
  const macKey = pkcs12Kdf(MAC_DIGESTS.get(SHA256)!, encoded, salt, MAC_ITERATIONS, 3, 32);
  encoded.fill(0);
  const mac = createHmac("sha256", macKey).update(authenticatedSafe).digest();
  return der.sequence(
    der.integer(3),
    dataContentInfo(authenticatedSafe),
    der.sequence(
      der.sequence(der.sequence(der.oid(SHA256), der.nullValue()), der.octetString(mac)),
      der.octetString(salt),
      der.integer(MAC_ITERATIONS),
    ),
  );
}
