/**
 * Reads a PKCS#12 / PFX file (RFC 7292) into a {@link CertificateBundle}: verifies the MAC (the
 * password integrity mode, an HMAC over the AuthenticatedSafe keyed by the PKCS#12 KDF), decrypts
 * the bags, and pairs the private key with its certificate.
 *
 * @module
 */
import type { KeyObject } from "node:crypto";
import { CertificateError, InvalidArgumentError } from "../errors.js";
import { checkPassword } from "./certificate_format.js";
import { assembleBundle, type CertificateBundle, parseCertificates } from "./bundle.js";
import {
  type DerNode,
  decodeDer,
  derInvalid,
  explicit,
  octetString,
  oid,
  sequence,
  smallInteger,
} from "./der.js";
import type { PasswordForm } from "./pbe.js";
import { type Bag, type Pkcs12Contents, readAuthenticatedSafe } from "./pkcs12_bags.js";
import { bmpPassword, KDF_BUDGET, pkcs12Kdf, readIterations, spendKdf } from "./pkcs12_kdf.js";
import { MAC_DIGESTS, Oid, supported, unsupportedAlgorithm } from "./pkcs12_oids.js";

function passwordForms(password: string | Uint8Array | undefined): PasswordForm[] {
  checkPassword(password);
  const budget = { left: KDF_BUDGET };
  if (password !== undefined && password.length > 0)
    return [{ bmp: bmpPassword(password), utf8: Buffer.from(password), budget }];
  // OpenSSL writes "no password" files both ways; like OpenSSL, try the empty string, then absent.
  const utf8 = Buffer.alloc(0);
  return ["", undefined].map((empty) => ({ bmp: bmpPassword(empty), utf8, budget }));
}

function readPfx(data: Uint8Array): { authSafe: Uint8Array; macData: DerNode | undefined } {
  const [versionNode, authSafeNode, macData, ...extra] = sequence(decodeDer(data), "PFX", 2);
  const version = smallInteger(versionNode, "PFX version", 0xffff);
  if (version !== 3)
    throw new CertificateError(
      "ERR_CERT_FORMAT",
      `PFX version ${version} is not supported; expected 3`,
    );
  if (extra.length > 0) throw derInvalid("PFX has extra fields");
  const [typeNode, contentNode] = sequence(authSafeNode, "PFX authSafe", 1);
  const type = oid(typeNode, "PFX authSafe type");
  if (type !== Oid.data)
    throw unsupportedAlgorithm(type, "PFX authSafe (public-key integrity mode)");
  return {
    authSafe: octetString(explicit(contentNode, 0, "PFX authSafe content"), "PFX authSafe data"),
    macData,
  };
}

/**
 * Finds the password form under which the MAC over `authSafe` verifies.
 *
 * @param macData - the MacData SEQUENCE.
 * @param authSafe - the AuthenticatedSafe DER, exactly as stored.
 * @param forms - the password forms to try, in order.
 * @returns the first form whose HMAC matches, compared in constant time.
 * @throws CertificateError `ERR_PKCS12_MAC` when none does, `ERR_PKCS12_UNSUPPORTED_ALGORITHM`
 * naming the MAC digest (e.g. md5 or PBMAC1), `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`.
 */
function verifyMac(macData: DerNode, authSafe: Uint8Array, forms: PasswordForm[]): PasswordForm {
  const [digestInfo, saltNode, iterationsNode] = sequence(macData, "MacData", 2);
  const [algorithm, digestNode] = sequence(digestInfo, "MAC DigestInfo", 2);
  const [digestOid] = sequence(algorithm, "MAC algorithm", 1);
  const digest = supported(MAC_DIGESTS, oid(digestOid, "MAC algorithm"), "MAC");
  const iterations = iterationsNode === undefined ? 1 : readIterations(iterationsNode, "MAC");
  const salt = octetString(saltNode, "MAC salt");
  const expected = octetString(digestNode, "MAC digest");
  const form = forms.find(({ bmp, budget }) => {
    spendKdf(budget, iterations, "MAC");
    const key = pkcs12Kdf(digest, bmp, salt, iterations, 3, digest.outputBytes);
    const { createHmac, timingSafeEqual } = process.getBuiltinModule("node:crypto");
    const actual = createHmac(digest.name, key).update(authSafe).digest();
    key.fill(0);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  });
  if (form) return form;
  const reason =
    forms.length > 1
      ? "the file needs a password, or it is corrupt"
      : "the password is wrong or the file is corrupt";
  throw new CertificateError(
    "ERR_PKCS12_MAC",
    `the PKCS#12 integrity check (MAC) failed: ${reason}`,
  );
}

/** Without a MAC, only decryption tells the empty password from the absent one. */
function decryptWithoutMac(authSafe: Uint8Array, [first, second]: PasswordForm[]): Pkcs12Contents {
  try {
    return readAuthenticatedSafe(authSafe, first!);
  } catch (error) {
    const wrongPassword = error instanceof CertificateError && error.code === "ERR_CERT_PASSWORD";
    if (!second || !wrongPassword) throw error;
    return readAuthenticatedSafe(authSafe, second);
  }
}

function chooseKey({ keys, certificates }: Pkcs12Contents): Bag {
  const pairedBy = (attribute: "localKeyId" | "friendlyName") =>
    keys.find(
      (key) =>
        key[attribute] !== undefined &&
        certificates.some((cert) => cert[attribute] === key[attribute]),
    );
  return pairedBy("localKeyId") ?? pairedBy("friendlyName") ?? keys[0]!;
}

function toKeyObject(entry: Bag): KeyObject {
  try {
    return process
      .getBuiltinModule("node:crypto")
      .createPrivateKey({ key: entry.der, format: "der", type: "pkcs8" });
  } catch (cause) {
    throw new CertificateError(
      "ERR_CERT_FORMAT",
      "the PKCS#12 key bag does not hold a private key Node.js can read",
      { cause },
    );
  }
}

/**
 * Reads a PKCS#12 (`.pfx` / `.p12`) file into a private key, its certificate and the chain.
 *
 * Supported: MAC with HMAC-SHA-1/-224/-256/-384/-512 or no MAC; PBES2 (PBKDF2 with HMAC-SHA-1/-224/
 * -256/-384/-512; AES-128/192/256-CBC, DES-EDE3-CBC); pbeWithSHAAnd3-KeyTripleDES-CBC,
 * pbeWithSHAAnd2-KeyTripleDES-CBC, pbeWithSHAAnd128BitRC2-CBC, pbeWithSHAAnd40BitRC2-CBC;
 * unencrypted bags; nested SafeContents bags. KDF iteration counts above 1 000 000 are refused, and
 * so is a file whose derivations would take more than 2 000 000 iterations in all.
 *
 * Password: a string is encoded as each scheme asks (BMPString for the PKCS#12 KDF, UTF-8 for
 * PBKDF2). Bytes are the password's octets, given to PBKDF2 as they are and BMP-encoded for the
 * PKCS#12 KDF (as UTF-8 when valid, else byte by byte, as OpenSSL does). With no password, `""`
 * or empty bytes, the empty password (BMP terminator only) is tried first and then the absent
 * one (no bytes), as OpenSSL does.
 *
 * Key choice when the file holds several keys: the first key (file order) whose `localKeyId`
 * equals a certificate bag's; else the first whose `friendlyName` equals a certificate bag's; else
 * the first key. The signing certificate is then the one holding that key's public key.
 *
 * @param data - the file contents.
 * @param password - the password, if any.
 * @returns the bundle; `chain` starts with the signing certificate, then the rest in file order.
 * @throws CertificateError with code `ERR_PKCS12_MAC` (wrong password or altered file),
 * `ERR_CERT_PASSWORD` (decryption failed), `ERR_PKCS12_UNSUPPORTED_ALGORITHM` (named by OID and
 * name), `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`, `ERR_CERT_FORMAT`, `ERR_CERT_NO_KEY`,
 * `ERR_CERT_NO_CERTIFICATE`, `ERR_CERT_KEY_MISMATCH`, `ERR_CERT_KEY_TYPE`, `ERR_CERT_KEY_SIZE`.
 * @see https://www.rfc-editor.org/rfc/rfc7292
 */
export function parsePkcs12(data: Uint8Array, password?: string | Uint8Array): CertificateBundle {
  if (!(data instanceof Uint8Array))
    throw new InvalidArgumentError("the PKCS#12 data must be a Uint8Array", "ERR_INVALID_ARG_TYPE");
  const { authSafe, macData } = readPfx(data);
  const forms = passwordForms(password);
  let contents: Pkcs12Contents;
  try {
    contents = macData
      ? readAuthenticatedSafe(authSafe, verifyMac(macData, authSafe, forms))
      : decryptWithoutMac(authSafe, forms);
  } finally {
    for (const form of forms) for (const bytes of [form.bmp, form.utf8]) bytes.fill(0);
  }
  try {
    if (contents.keys.length === 0)
      throw new CertificateError("ERR_CERT_NO_KEY", "the PKCS#12 file holds no private key");
    const certificates = parseCertificates(
      contents.certificates.map((entry) => entry.der),
      "PKCS#12 file",
    );
    return assembleBundle(toKeyObject(chooseKey(contents)), certificates);
  } finally {
    for (const key of contents.keys) key.der.fill(0);
  }
}
