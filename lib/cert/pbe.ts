/**
 * Password-based decryption of PKCS#12 content: PBES2 (RFC 8018, PBKDF2 with an HMAC and a CBC
 * cipher) and the PKCS#12 PBEs of RFC 7292 Appendix C (SHA-1 KDF with 3DES or RC2).
 *
 * @module
 */
import { createDecipheriv, getCiphers, pbkdf2Sync } from "node:crypto";
import { CertificateError } from "../errors.js";
import {
  type DerNode,
  isAbsentOrNull,
  octetString,
  oid,
  sequence,
  smallInteger,
  Tag,
  TagClass,
} from "./der.js";
import { checkIterations, pkcs12Kdf } from "./pkcs12_kdf.js";
import {
  describeOid,
  MAC_DIGESTS,
  Oid,
  PBES2_CIPHERS,
  PBKDF2_PRFS,
  PKCS12_PBES,
  type Pkcs12Pbe,
} from "./pkcs12_oids.js";
import { rc2CbcDecrypt } from "./rc2.js";

/** One way of turning the caller's password into bytes, in both encodings PKCS#12 uses. */
export interface PasswordForm {
  /** Input of the PKCS#12 KDF: BMPString with terminator, or empty for "no password". */
  readonly bmp: Uint8Array;
  /** Input of PBKDF2: UTF-8, or the caller's bytes. */
  readonly utf8: Uint8Array;
}

/**
 * Builds the error for an algorithm this package does not implement, naming OID and name.
 *
 * @param algorithmOid - the OID found.
 * @param where - the structure that named it, e.g. `"shrouded key bag"`.
 * @returns a CertificateError `ERR_PKCS12_UNSUPPORTED_ALGORITHM`.
 */
export function unsupportedAlgorithm(algorithmOid: string, where: string): CertificateError {
  return new CertificateError(
    "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
    `the ${where} uses ${describeOid(algorithmOid)}, which is not supported`,
  );
}

function wrongPassword(what: string, cause?: unknown): CertificateError {
  return new CertificateError(
    "ERR_CERT_PASSWORD",
    `the password does not decrypt the ${what} (wrong password or corrupt data)`,
    { cause },
  );
}

function cbcDecrypt(
  cipher: string,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  what: string,
): Buffer {
  if (!getCiphers().includes(cipher))
    throw new CertificateError(
      "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
      `the ${what} needs ${cipher}, which this Node.js build lacks`,
    );
  try {
    const decipher = createDecipheriv(cipher, key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    throw wrongPassword(what, error);
  }
}

function decryptPkcs12Pbe(
  pbe: Pkcs12Pbe,
  params: DerNode | undefined,
  data: Uint8Array,
  password: PasswordForm,
  what: string,
): Buffer {
  const fields = sequence(params, `${what} PBE parameters`, 2);
  const salt = octetString(fields[0], `${what} PBE salt`);
  const iterations = smallInteger(fields[1], `${what} PBE iterations`);
  checkIterations(iterations, `${what} PBE`);
  const sha1 = MAC_DIGESTS.get("1.3.14.3.2.26")!;
  const key = pkcs12Kdf(sha1, password.bmp, salt, iterations, 1, pbe.keyBytes);
  const iv = pkcs12Kdf(sha1, password.bmp, salt, iterations, 2, 8);
  try {
    if (pbe.cipher === "rc2-cbc") {
      try {
        return rc2CbcDecrypt(key, pbe.effectiveBits ?? 128, iv, data);
      } catch (error) {
        throw error instanceof CertificateError && error.code === "ERR_CERT_PASSWORD"
          ? wrongPassword(what)
          : error;
      }
    }
    const tripleKey = key.length === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key;
    try {
      return cbcDecrypt("des-ede3-cbc", tripleKey, iv, data, what);
    } finally {
      tripleKey.fill(0);
    }
  } finally {
    key.fill(0);
  }
}

function pbkdf2Parameters(
  node: DerNode | undefined,
  what: string,
): { salt: Uint8Array; iterations: number; keyLength?: number; prf: string } {
  const [kdfOid, kdfParams] = sequence(node, `${what} key derivation`, 1);
  const kdf = oid(kdfOid, `${what} key derivation algorithm`);
  if (kdf !== Oid.pbkdf2) throw unsupportedAlgorithm(kdf, `${what} key derivation`);
  const fields = sequence(kdfParams, `${what} PBKDF2 parameters`, 2);
  if (fields[0]?.tagNumber === Tag.sequence)
    throw new CertificateError(
      "ERR_PKCS12_UNSUPPORTED_ALGORITHM",
      `the ${what} PBKDF2 salt uses "otherSource", which is not supported`,
    );
  const salt = octetString(fields[0], `${what} PBKDF2 salt`);
  const iterations = smallInteger(fields[1], `${what} PBKDF2 iterations`);
  checkIterations(iterations, `${what} PBKDF2`);
  let index = 2;
  let keyLength: number | undefined;
  if (fields[index]?.tagClass === TagClass.universal && fields[index]?.tagNumber === Tag.integer) {
    keyLength = smallInteger(fields[index], `${what} PBKDF2 key length`, 1024);
    index++;
  }
  let prf = "sha1";
  if (fields[index] !== undefined) {
    const [prfOid, prfParams] = sequence(fields[index], `${what} PBKDF2 PRF`, 1);
    const prfId = oid(prfOid, `${what} PBKDF2 PRF`);
    const name = PBKDF2_PRFS.get(prfId);
    if (!name || !isAbsentOrNull(prfParams))
      throw unsupportedAlgorithm(prfId, `${what} PBKDF2 PRF`);
    prf = name;
    index++;
  }
  if (fields.length > index)
    throw new CertificateError(
      "ERR_DER_INVALID",
      `invalid DER: ${what} PBKDF2 parameters have extra fields`,
    );
  return keyLength === undefined ? { salt, iterations, prf } : { salt, iterations, keyLength, prf };
}

function decryptPbes2(
  params: DerNode | undefined,
  data: Uint8Array,
  password: PasswordForm,
  what: string,
): Buffer {
  const [kdfNode, schemeNode] = sequence(params, `${what} PBES2 parameters`, 2);
  const kdf = pbkdf2Parameters(kdfNode, what);
  const [cipherOid, cipherParams] = sequence(schemeNode, `${what} encryption scheme`, 1);
  const cipherId = oid(cipherOid, `${what} encryption scheme`);
  const cipher = PBES2_CIPHERS.get(cipherId);
  if (!cipher) throw unsupportedAlgorithm(cipherId, `${what} encryption scheme`);
  const iv = octetString(cipherParams, `${what} ${cipher.name} IV`);
  if (iv.length !== cipher.ivBytes)
    throw new CertificateError(
      "ERR_DER_INVALID",
      `invalid DER: the ${what} ${cipher.name} IV has ${iv.length} bytes; expected ${cipher.ivBytes}`,
    );
  if (kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyBytes) {
    throw new CertificateError(
      "ERR_DER_INVALID",
      `invalid DER: the ${what} PBKDF2 key length ${kdf.keyLength} does not fit ${cipher.name}`,
    );
  }
  const key = pbkdf2Sync(password.utf8, kdf.salt, kdf.iterations, cipher.keyBytes, kdf.prf);
  try {
    return cbcDecrypt(cipher.name, key, iv, data, what);
  } finally {
    key.fill(0);
  }
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
  if (id === Oid.pbes2) return decryptPbes2(params, data, password, what);
  const pbe = PKCS12_PBES.get(id);
  if (pbe) return decryptPkcs12Pbe(pbe, params, data, password, what);
  throw unsupportedAlgorithm(id, what);
}
