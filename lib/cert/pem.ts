import type { KeyObject } from "node:crypto";
import { CertificateError } from "../errors.js";
import { assembleBundle, parseCertificates, type CertificateBundle } from "./bundle.js";

const KEY_LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY"];

/** One PEM block: its label and full text. */
export type PemBlock = { label: string; text: string };

/**
 * Splits PEM text into blocks, in file order; CRLF and surrounding text are tolerated. Linear: a
 * block's END line is looked for once, and a block without one is an error, not a rescan.
 *
 * @throws CertificateError `ERR_CERT_FORMAT` for a BEGIN line without its END line.
 */
export function splitPem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let done = 0;
  for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,40})-----/g)) {
    if (match.index < done) continue; // inside the block before, as a lazy regex would skip it
    const label = match[1]!;
    const end = text.indexOf(`-----END ${label}-----`, match.index + match[0].length);
    if (end < 0)
      throw new CertificateError("ERR_CERT_FORMAT", `the ${label} block has no END line`);
    done = end + label.length + 14;
    blocks.push({ label, text: text.slice(match.index, done).replace(/\r\n?/g, "\n") });
  }
  return blocks;
}

function readKey({ label, text }: PemBlock, password: string | Uint8Array | undefined): KeyObject {
  const encrypted = label === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && password === undefined)
    throw new CertificateError(
      "ERR_CERT_PASSWORD",
      'the private key is encrypted; pass "certificatePassword"',
    );
  try {
    const passphrase = encrypted ? Buffer.from(password!) : undefined;
    return process
      .getBuiltinModule("node:crypto")
      .createPrivateKey({ key: text, format: "pem", passphrase });
  } catch (cause) {
    if (encrypted)
      throw new CertificateError(
        "ERR_CERT_PASSWORD",
        'the private key could not be decrypted: wrong "certificatePassword"?',
        { cause },
      );
    throw new CertificateError("ERR_CERT_FORMAT", `the ${label} block could not be parsed`, {
      cause,
    });
  }
}

/**
 * Reads PEM text holding one private key (`PRIVATE KEY`, `RSA PRIVATE KEY` or `ENCRYPTED PRIVATE
 * KEY`) and one or more certificates, in any order.
 *
 * @throws CertificateError `ERR_CERT_NO_KEY`, `ERR_CERT_NO_CERTIFICATE`, `ERR_CERT_PASSWORD`,
 *   `ERR_CERT_FORMAT`, `ERR_CERT_KEY_MISMATCH`, `ERR_CERT_KEY_TYPE`, `ERR_CERT_KEY_SIZE`.
 */
export function parsePem(text: string, password?: string | Uint8Array): CertificateBundle {
  const blocks = splitPem(text);
  const keys = blocks.filter((b) => KEY_LABELS.includes(b.label));
  if (keys.length === 0)
    throw new CertificateError(
      "ERR_CERT_NO_KEY",
      "the PEM data holds no private key; it must contain the key and its certificate",
    );
  if (keys.length > 1)
    throw new CertificateError(
      "ERR_CERT_FORMAT",
      `the PEM data holds ${keys.length} private keys; it must hold exactly one`,
    );
  const certificates = parseCertificates(
    blocks.filter((b) => b.label === "CERTIFICATE").map((b) => b.text),
    "PEM data",
  );
  return assembleBundle(readKey(keys[0]!, password), certificates);
}
