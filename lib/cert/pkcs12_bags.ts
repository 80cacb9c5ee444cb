/**
 * Reads the AuthenticatedSafe of a PFX (RFC 7292 §4.1–4.2): its plain and password-encrypted
 * ContentInfos, the SafeContents inside, and the key and certificate bags with the attributes
 * that pair them.
 *
 * @module
 */
import {
  bmpString,
  type DerNode,
  decodeDer,
  derInvalid,
  explicit,
  octetString,
  oid,
  sequence,
  set,
  smallInteger,
  Tag,
  TagClass,
} from "./der.js";
import { decryptWithPassword, type PasswordForm, wrongPassword } from "./pbe.js";
import { Oid, unsupportedAlgorithm } from "./pkcs12_oids.js";

/** A key bag (PKCS#8 DER, which the caller zeroes after use) or a certificate bag (X.509 DER). */
export interface Bag {
  der: Buffer;
  /** The `localKeyId` attribute (PKCS#9) in hex, which ties a key bag to its certificate bag. */
  localKeyId?: string;
  /** The `friendlyName` attribute (PKCS#9). */
  friendlyName?: string;
}

/** The bags of a PFX, in file order. */
export type Pkcs12Contents = { keys: Bag[]; certificates: Bag[] };

/** Decrypts and decodes; plaintext that is not DER means the password is wrong. */
function decryptDer(
  algorithm: DerNode | undefined,
  data: Uint8Array,
  password: PasswordForm,
  what: string,
): { plaintext: Buffer; root: DerNode } {
  const plaintext = decryptWithPassword(algorithm, data, password, what);
  try {
    return { plaintext, root: decodeDer(plaintext) };
  } catch (error) {
    plaintext.fill(0);
    throw wrongPassword(what, error);
  }
}

function readAttributes(node: DerNode | undefined): Omit<Bag, "der"> {
  const attributes: Omit<Bag, "der"> = {};
  for (const attribute of node ? set(node, "bag attributes") : []) {
    const [idNode, valuesNode] = sequence(attribute, "bag attribute", 2);
    const id = oid(idNode, "bag attribute type");
    const [value] = set(valuesNode, "bag attribute values");
    if (value && id === Oid.localKeyId)
      attributes.localKeyId = Buffer.from(octetString(value, "localKeyId")).toString("hex");
    if (value && id === Oid.friendlyName)
      attributes.friendlyName = bmpString(value, "friendlyName");
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
      out.keys.push({ ...attributes, der: Buffer.from(value.raw) });
    } else if (bagId === Oid.pkcs8ShroudedKeyBag) {
      const [algorithm, encrypted] = sequence(value, "shrouded key bag", 2);
      const data = octetString(encrypted, "shrouded key bag data");
      const { plaintext, root } = decryptDer(algorithm, data, password, "shrouded key bag");
      out.keys.push({ ...attributes, der: plaintext });
      sequence(root, "decrypted private key", 3);
    } else if (bagId === Oid.certBag) {
      const [certIdNode, certValue] = sequence(value, "certificate bag", 2);
      if (oid(certIdNode, "certificate bag type") === Oid.x509Certificate) {
        const der = octetString(explicit(certValue, 0, "certificate bag value"), "certificate");
        out.certificates.push({ ...attributes, der: Buffer.from(der) });
      }
    } else if (bagId === Oid.safeContentsBag) {
      readSafeContents(value, password, out);
    }
  }
}

function readEncryptedData(node: DerNode, password: PasswordForm, out: Pkcs12Contents): void {
  const [versionNode, infoNode] = sequence(node, "EncryptedData", 2);
  smallInteger(versionNode, "EncryptedData version", 2);
  const [typeNode, algorithm, contentNode] = sequence(infoNode, "EncryptedContentInfo", 3);
  if (oid(typeNode, "encrypted content type") !== Oid.data)
    throw derInvalid("encrypted content must be of type data");
  if (contentNode?.tagClass !== TagClass.context || contentNode.tagNumber !== 0)
    throw derInvalid("encrypted content must be an implicit [0] OCTET STRING");
  const retagged = { ...contentNode, tagClass: TagClass.universal, tagNumber: Tag.octetString };
  const data = octetString(retagged, "encrypted content");
  const { root } = decryptDer(algorithm, data, password, "encrypted safe contents");
  readSafeContents(root, password, out);
}

/**
 * Reads every bag of an AuthenticatedSafe.
 *
 * @param der - the DER of the AuthenticatedSafe (the `data` content of the PFX authSafe).
 * @param password - the password form to decrypt with (the one the MAC accepted, if any).
 * @returns keys (PKCS#8 DER) and certificates, in file order, with their attributes.
 * @throws CertificateError `ERR_DER_INVALID`, `ERR_CERT_PASSWORD`, `ERR_PKCS12_UNSUPPORTED_ALGORITHM`,
 * `ERR_PKCS12_ITERATIONS`.
 */
export function readAuthenticatedSafe(der: Uint8Array, password: PasswordForm): Pkcs12Contents {
  const out: Pkcs12Contents = { keys: [], certificates: [] };
  try {
    for (const info of sequence(decodeDer(der), "AuthenticatedSafe")) {
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
    for (const key of out.keys) key.der.fill(0);
    throw error;
  }
  return out;
}
