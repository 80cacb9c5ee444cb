/**
 * Password-based decryption of PKCS#12 content: PBES2 (RFC 8018, PBKDF2 with an HMAC and a CBC
 * cipher) and the PKCS#12 PBEs of RFC 7292 Appendix C (SHA-1 KDF with 3DES or RC2).
 *
 * @module
 */
import { CertificateError } from "../errors.js";
import {
  type DerNode,
  derInvalid,
  isAbsentOrNull,
  isUniversal,
  octetString,
  oid,
  sequence,
  smallInteger,
  Tag,
} from "./der.js";
import { pkcs12Kdf, readIterations, spendKdf } from "./pkcs12_kdf.js";
import {
  MAC_DIGESTS,
  Oid,
  PBES2_CIPHERS,
  PBKDF2_PRFS,
  PKCS12_PBES,
  supported,
  unsupportedAlgorithm,
} from "./pkcs12_oids.js";
import { rc2CbcDecrypt } from "./rc2.js";

/** One way of turning the caller's password into bytes, in both encodings PKCS#12 uses. */
export interface PasswordForm {
  /** Input of the PKCS#12 KDF: BMPString with terminator, or empty for "no password". */
  readonly bmp: Uint8Array;
  /** Input of PBKDF2: UTF-8, or the caller's bytes. */
  readonly utf8: Uint8Array;
  /** The KDF iterations the file may still spend, one object shared by the file's forms. */
  readonly budget: { left: number };
}

/**
 * Builds the error for ciphertext the password does not decrypt; names the structure, never the
 * password.
 *
 * @param what - the structure, e.g. `"shrouded key bag"`.
 * @param cause - the underlying failure.
 * @returns a CertificateError `ERR_CERT_PASSWORD`.
 */
export function wrongPassword(what: string, cause?: unknown): CertificateError {
  return new CertificateError(
    "ERR_CERT_PASSWORD",
    `the password does not decrypt the ${what} (wrong password or corrupt data)`,
    { cause },
  );
}

/** What a scheme's parameters yield: the cipher with its key and IV (and RC2's effective bits). */
type Decryption = { cipher: string; key: Buffer; iv: Uint8Array; rc2Bits?: number };

function pkcs12Pbe(
  id: string,
  params: DerNode | undefined,
  password: PasswordForm,
  what: string,
): Decryption {
  const pbe = supported(PKCS12_PBES, id, what);
  const [saltNode, iterationsNode] = sequence(params, `${what} PBE parameters`, 2);
  const salt = octetString(saltNode, `${what} PBE salt`);
  const iterations = readIterations(iterationsNode, `${what} PBE`);
  spendKdf(password.budget, 2 * iterations, what);
  const sha1 = MAC_DIGESTS.get("1.3.14.3.2.26")!;
  const key = pkcs12Kdf(sha1, password.bmp, salt, iterations, 1, pbe.keyBytes);
  const iv = pkcs12Kdf(sha1, password.bmp, salt, iterations, 2, 8);
  return { cipher: pbe.cipher, key, iv, rc2Bits: pbe.effectiveBits };
}

function pbkdf2Prf(node: DerNode | undefined, what: string): string {
  const [prfOid, prfParams] = sequence(node, `${what} PBKDF2 PRF`, 1);
  const id = oid(prfOid, `${what} PBKDF2 PRF`);
  const name = PBKDF2_PRFS.get(id);
  if (!name || !isAbsentOrNull(prfParams)) throw unsupportedAlgorithm(id, `${what} PBKDF2 PRF`);
  return name;
}

function pbes2(params: DerNode | undefined, password: PasswordForm, what: string): Decryption {
  const [kdfNode, schemeNode] = sequence(params, `${what} PBES2 parameters`, 2);
  const [kdfOid, kdfParams] = sequence(kdfNode, `${what} key derivation`, 1);
  const kdf = oid(kdfOid, `${what} key derivation algorithm`);
  if (kdf !== Oid.pbkdf2) throw unsupportedAlgorithm(kdf, `${what} key derivation`);
  const [saltNode, iterationsNode, ...rest] = sequence(kdfParams, `${what} PBKDF2 parameters`, 2);
  if (saltNode?.tagNumber === Tag.sequence)
    throw new CertificateError(
      "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
      `the ${what} PBKDF2 salt uses "otherSource", which is not supported`,
    );
  const salt = octetString(saltNode, `${what} PBKDF2 salt`);
  const iterations = readIterations(iterationsNode, `${what} PBKDF2`);
  const keyLength = isUniversal(rest[0], Tag.integer)
    ? smallInteger(rest.shift(), `${what} PBKDF2 key length`, 1024)
    : undefined;
  const prf = rest.length > 0 ? pbkdf2Prf(rest.shift(), what) : "sha1";
  if (rest.length > 0) throw derInvalid(`${what} PBKDF2 parameters have extra fields`);
  const where = `${what} encryption scheme`;
  const [cipherOid, ivNode] = sequence(schemeNode, where, 1);
  const cipher = supported(PBES2_CIPHERS, oid(cipherOid, where), where);
  const iv = octetString(ivNode, `${what} ${cipher.name} IV`);
  if (iv.length !== cipher.ivBytes)
    throw derInvalid(
      `the ${what} ${cipher.name} IV has ${iv.length} bytes; expected ${cipher.ivBytes}`,
    );
  if (keyLength !== undefined && keyLength !== cipher.keyBytes)
    throw derInvalid(`the ${what} PBKDF2 key length ${keyLength} does not fit ${cipher.name}`);
  spendKdf(password.budget, iterations, what);
  const key = process
    .getBuiltinModule("node:crypto")
    .pbkdf2Sync(password.utf8, salt, iterations, cipher.keyBytes, prf);
  return { cipher: cipher.name, key, iv };
}

/**
 * Decrypts `data` with the password-based scheme that `algorithm` (an AlgorithmIdentifier) names.
 *
 * @param algorithm - the AlgorithmIdentifier from an EncryptedPrivateKeyInfo or EncryptedContentInfo.
 * @param data - the ciphertext.
 * @param password - the password in both encodings.
 * @param what - names the structure in messages, e.g. `"shrouded key bag"`.
 * @returns the plaintext.
 * @throws CertificateError `ERR_CERT_PASSWORD` (bad padding), `ERR_PKCS12_UNSUPPORTED_ALGORITHM`
 * (named by OID and name), `ERR_PKCS12_ITERATIONS`, `ERR_DER_INVALID`.
 */
export function decryptWithPassword(
  algorithm: DerNode | undefined,
  data: Uint8Array,
  password: PasswordForm,
  what: string,
): Buffer {
  const [algorithmOid, params] = sequence(algorithm, `${what} encryption algorithm`, 1);
  const id = oid(algorithmOid, `${what} encryption algorithm`);
  const { cipher, key, iv, rc2Bits } =
    id === Oid.pbes2 ? pbes2(params, password, what) : pkcs12Pbe(id, params, password, what);
  try {
    if (rc2Bits !== undefined) return rc2CbcDecrypt(key, rc2Bits, iv, data);
    if (!process.getBuiltinModule("node:crypto").getCiphers().includes(cipher))
      throw new CertificateError(
        "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
        `the ${what} needs ${cipher}, which this Node.js build lacks`,
      );
    const decipher = process.getBuiltinModule("node:crypto").createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    const passes = error instanceof CertificateError && error.code !== "ERR_CERT_PASSWORD";
    throw passes ? error : wrongPassword(what, error);
  } finally {
    key.fill(0);
  }
}
