/**
 * RSA keys of the emulator, generated on first use and shared by every emulator in the process:
 * a 2048-bit key takes a noticeable fraction of a second, and a test run starts many emulators.
 *
 * @module
 */
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { createCertificateAuthority, type CertifiedKey } from "./certificates.js";

/** An RSA key pair. */
export interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

const pairs = new Map<string, KeyPair>();
let authority: CertifiedKey | undefined;

/** The process's key pair for `purpose` (`"server"`, `"signing"`). */
export function sharedKeyPair(purpose: "server" | "signing"): KeyPair {
  let pair = pairs.get(purpose);
  if (!pair) {
    pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    pairs.set(purpose, pair);
  }
  return pair;
}

/** The process's generated CA. */
export function sharedCertificateAuthority(): CertifiedKey {
  authority ??= createCertificateAuthority("entra-zero emulator CA");
  return authority;
}
