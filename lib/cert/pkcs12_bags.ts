/**
 * Reads the AuthenticatedSafe of a PFX (RFC 7292 §4.1–4.2): its plain and password-encrypted
 * ContentInfos, the SafeContents inside, and the key and certificate bags with the attributes
 * that pair them.
 *
 * @module
 */
import { CertificateError } from "../errors.js";
import {
  bmpString,
  type DerNode,
  decodeDer,
  explicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  TagClass,
} from "./der.js";
import { decryptWithPassword, type PasswordForm, unsupportedAlgorithm } from "./pbe.js";
import { Oid } from "./pkcs12_oids.js";

/** What a bag's attributes say about it. */
export interface BagAttributes {
  /** The `localKeyId` attribute (PKCS#9), which ties a key bag to its certificate bag. */
  localKeyId?: Buffer;
  /** The `friendlyName` attribute (PKCS#9). */
  friendlyName?: string;
}

/** A private key found in a key bag or a decrypted shrouded key bag. */
export interface KeyEntry extends BagAttributes {
  /** PKCS#8 PrivateKeyInfo DER; the caller zeroes it after use. */
  pkcs8: Buffer;
}

/** An X.509 certificate found in a certificate bag. */
export interface CertificateEntry extends BagAttributes {
  /** The certificate DER. */
  der: Uint8Array;
}

/** The bags of a PFX, in file order. */
export interface Pkcs12Contents {
  keys: KeyEntry[];
  certificates: CertificateEntry[];
}

function decodeDecrypted(plaintext: Buffer, what: string): DerNode {
  try {
    return decodeDer(plaintext);
  } catch (error) {
    plaintext.fill(0);
    throw new CertificateError(
      "ERR_CERT_PASSWORD",
      `the password does not decrypt the ${what} (wrong password or corrupt data)`,
      { cause: error },
    );
  }
}

function readAttributes(node: DerNode | undefined): BagAttributes {
  const attributes: BagAttributes = {};
  if (node === undefined) return attributes;
  for (const attribute of set(node, "bag attributes")) {
    const [idNode, valuesNode] = sequence(attribute, "bag attribute", 2);
    const id = oid(idNode, "bag attribute type");
    const values = set(valuesNode, "bag attribute values");
    if (id === Oid.localKeyId && values.length > 0)
      attributes.localKeyId = Buffer.from(octetString(values[0], "localKeyId"));
    if (id === Oid.friendlyName && values.length > 0)
      attributes.friendlyName = bmpString(values[0], "friendlyName");
  }
  return attributes;
}

function readSafeContents(node: DerNode, password: PasswordForm, out: Pkcs12Contents): void {
  for (const bag of sequence(node, "SafeContents")) {
    const [idNode, valueNode, attributesNode] = sequence(bag, "SafeBag", 2);
    const bagId = oid(idNode, "SafeBag type");
    const value = explicit(valueNode, 0, "SafeBag value");
    const attributes = readAttributes(attributesNode);
    if (bagId === Oid.keyBag) {
      sequence(value, "key bag", 3);
      out.keys.push({ ...attributes, pkcs8: Buffer.from(value.raw) });
    } else if (bagId === Oid.pkcs8ShroudedKeyBag) {
      const [algorithm, encrypted] = sequence(value, "shrouded key bag", 2);
      const plaintext = decryptWithPassword(
        algorithm,
        octetString(encrypted, "shrouded key bag data"),
        password,
        "shrouded key bag",
      );
      sequence(decodeDecrypted(plaintext, "shrouded key bag"), "decrypted private key", 3);
      out.keys.push({ ...attributes, pkcs8: plaintext });
    } else if (bagId === Oid.certBag) {
      const [certIdNode, certValue] = sequence(value, "certificate bag", 2);
      if (oid(certIdNode, "certificate bag type") === Oid.x509Certificate) {
        out.certificates.push({
          ...attributes,
          der: octetString(explicit(certValue, 0, "certificate bag value"), "certificate"),
        });
      }
    } else if (bagId === Oid.safeContentsBag) {
      readSafeContents(value, password, out);
    }
  }
}

function encryptedContent(node: DerNode | undefined): Uint8Array {
  if (!node || node.tagClass !== TagClass.context || node.tagNumber !== 0) {
    throw new CertificateError(
      "ERR_DER_INVALID",
      "invalid DER: encrypted content must be an implicit [0] OCTET STRING",
    );
  }
  if (!node.constructed) return node.value;
  return Buffer.concat(
    node.children.map((child) => octetString(child, "encrypted content segment")),
  );
}

function readEncryptedData(node: DerNode, password: PasswordForm, out: Pkcs12Contents): void {
  const [versionNode, infoNode] = sequence(node, "EncryptedData", 2);
  smallInteger(versionNode, "EncryptedData version", 2);
  const [typeNode, algorithm, contentNode] = sequence(infoNode, "EncryptedContentInfo", 3);
  if (oid(typeNode, "encrypted content type") !== Oid.data) {
    throw new CertificateError(
      "ERR_DER_INVALID",
      "invalid DER: encrypted content must be of type data",
    );
  }
  const plaintext = decryptWithPassword(
    algorithm,
    encryptedContent(contentNode),
    password,
    "encrypted safe contents",
  );
  readSafeContents(decodeDecrypted(plaintext, "encrypted safe contents"), password, out);
}

/**
 * Reads every bag of an AuthenticatedSafe.
 *
 * @param authSafe - the DER of the AuthenticatedSafe (the `data` content of the PFX authSafe).
 * @param password - the password form to decrypt with (the one the MAC accepted, if any).
 * @returns keys (PKCS#8 DER) and certificates, in file order, with their attributes.
 * @throws CertificateError `ERR_DER_INVALID`, `ERR_CERT_PASSWORD`, `ERR_PKCS12_UNSUPPORTED_ALGORITHM`,
 * `ERR_PKCS12_ITERATIONS`.
 */
export function readAuthenticatedSafe(
  authSafe: Uint8Array,
  password: PasswordForm,
): Pkcs12Contents {
  const out: Pkcs12Contents = { keys: [], certificates: [] };
  try {
    for (const info of sequence(decodeDer(authSafe), "AuthenticatedSafe")) {
      const [typeNode, contentNode] = sequence(info, "ContentInfo", 2);
      const type = oid(typeNode, "ContentInfo type");
      const content = explicit(contentNode, 0, "ContentInfo content");
      if (type === Oid.data) {
        readSafeContents(decodeDer(octetString(content, "SafeContents data")), password, out);
      } else if (type === Oid.encryptedData) {
        readEncryptedData(content, password, out);
      } else {
        throw unsupportedAlgorithm(type, "AuthenticatedSafe content type");
      }
    }
  } catch (error) {
    for (const key of out.keys) key.pkcs8.fill(0);
    throw error;
  }
  return out;
}
