/**
 * X.509 certificates made at start-up: a CA, server certificates it issues for the emulator's
 * host names, and self-signed client certificates for applications. RSA 2048, SHA-256.
 *
 * @module
 */
import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type KeyObject,
} from "node:crypto";
import { isIP } from "node:net";
import { decodeDer } from "../cert/der.js";
import * as der from "./der_writer.js";

/** A certificate with its private key, both PEM. */
export interface CertifiedKey {
  /** The certificate, PEM. */
  certificate: string;
  /** The PKCS#8 private key, PEM. */
  privateKey: string;
}

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";
const DAY_MS = 24 * 3600 * 1000;

function name(commonName: string | Buffer): Buffer {
  if (typeof commonName !== "string") return commonName;
  return der.sequence(der.set(der.sequence(der.oid("2.5.4.3"), der.utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(
    der.oid(id),
    ...(critical ? [der.boolean(true)] : []),
    der.octetString(value),
  );
}

function subjectAltNames(hostnames: readonly string[]): Buffer {
  return der.sequence(
    ...hostnames.map((host) => {
      if (isIP(host) === 4)
        return der.tlv(0x87, Buffer.from(host.split(".").map((part) => Number(part))));
      return der.tlv(0x82, Buffer.from(host, "ascii"));
    }),
  );
}

/** Encodes DER bytes as PEM with `label`. */
export function toPem(label: string, bytes: Uint8Array): string {
  const base64 = Buffer.from(bytes)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN ${label}-----\n${base64.replace(/\n$/, "")}\n-----END ${label}-----\n`;
}

/** The DER bytes of the first PEM block. */
export function fromPem(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

interface CertificateFields {
  subject: string;
  issuer: string | Buffer;
  publicKey: KeyObject;
  signingKey: KeyObject;
  extensions: Buffer[];
  validDays: number;
}

function buildCertificate(fields: CertificateFields): string {
  const algorithm = der.sequence(der.oid(SHA256_WITH_RSA), der.nullValue());
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const now = Date.now();
  const tbs = der.sequence(
    der.contextTag(0, der.integer(2)),
    der.integer(serial),
    algorithm,
    name(fields.issuer),
    der.sequence(
      der.time(new Date(now - DAY_MS)),
      der.time(new Date(now + fields.validDays * DAY_MS)),
    ),
    name(fields.subject),
    fields.publicKey.export({ format: "der", type: "spki" }),
    der.contextTag(3, der.sequence(...fields.extensions)),
  );
  const signature = sign("sha256", tbs, fields.signingKey);
  return toPem("CERTIFICATE", der.sequence(tbs, algorithm, der.bitString(signature)));
}

function newKeyPair(): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: 2048 });
}

function keyPem(key: KeyObject): string {
  return key.export({ format: "pem", type: "pkcs8" }).toString();
}

/** A new self-signed CA that may issue end-entity certificates only. */
export function createCertificateAuthority(commonName = "entra-zero test CA"): CertifiedKey {
  const { publicKey, privateKey } = newKeyPair();
  const certificate = buildCertificate({
    subject: commonName,
    issuer: commonName,
    publicKey,
    signingKey: privateKey,
    validDays: 30,
    extensions: [
      extension("2.5.29.19", true, der.sequence(der.boolean(true), der.integer(0))),
      extension("2.5.29.15", true, der.tlv(0x03, Buffer.from([0x01, 0x06]))),
    ],
  });
  return { certificate, privateKey: keyPem(privateKey) };
}

/**
 * A TLS server certificate for `hostnames` (DNS names or IPv4 addresses), issued by `ca`.
 *
 * @param ca - the issuing CA.
 * @param hostnames - names for the subjectAltName; the first is also the common name.
 * @param key - the server's key pair (a new one by default).
 */
export function issueServerCertificate(
  ca: CertifiedKey,
  hostnames: readonly string[],
  key: { publicKey: KeyObject; privateKey: KeyObject } = newKeyPair(),
): CertifiedKey {
  const caKey = createPrivateKey(ca.privateKey);
  const issuer = subjectName(ca.certificate);
  const certificate = buildCertificate({
    subject: hostnames[0] ?? "localhost",
    issuer,
    publicKey: key.publicKey,
    signingKey: caKey,
    validDays: 30,
    extensions: [
      extension("2.5.29.19", true, der.sequence()),
      extension("2.5.29.15", true, der.tlv(0x03, Buffer.from([0x05, 0xa0]))),
      extension("2.5.29.37", false, der.sequence(der.oid("1.3.6.1.5.5.7.3.1"))),
      extension("2.5.29.17", false, subjectAltNames(hostnames)),
    ],
  });
  return { certificate, privateKey: keyPem(key.privateKey) };
}

/** A self-signed certificate an application registers and signs client assertions with. */
export function createClientCertificate(commonName = "entra-zero test client"): CertifiedKey {
  const { publicKey, privateKey } = newKeyPair();
  const certificate = buildCertificate({
    subject: commonName,
    issuer: commonName,
    publicKey,
    signingKey: privateKey,
    validDays: 30,
    extensions: [
      extension("2.5.29.19", true, der.sequence()),
      extension("2.5.29.15", true, der.tlv(0x03, Buffer.from([0x07, 0x80]))),
    ],
  });
  return { certificate, privateKey: keyPem(privateKey) };
}

/** The CA's subject Name, byte for byte, to use as the issuer of what it signs. */
function subjectName(pem: string): Buffer {
  const tbs = decodeDer(fromPem(pem)).children[0]!;
  const versioned = tbs.children[0]!.tagClass === 2 ? 1 : 0;
  return Buffer.from(tbs.children[4 + versioned]!.raw);
}
