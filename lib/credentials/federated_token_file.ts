import { CredentialUnavailableError } from "../errors.js";
import { readRegularFile } from "../util/read_file.js";

/** A projected token is re-read once this old, so a rotated token is picked up well before expiry. */
export const TOKEN_FILE_MAX_AGE_MS = 5 * 60 * 1000;

/** Projected service-account tokens are about 1 KB; anything past this is not a token. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * A federated token file (e.g. the Kubernetes service-account token AKS projects), read on demand
 * and kept in memory for five minutes.
 */
export class FederatedTokenFile {
  readonly #credentialName: string;
  readonly #path: string;
  readonly #now: () => number;
  #contents: string | undefined;
  #readAt = 0;

  /**
   * @param credentialName - starts every message.
   * @param path - the file's path.
   * @param now - the clock.
   */
  constructor(credentialName: string, path: string, now: () => number) {
    this.#credentialName = credentialName;
    this.#path = path;
    this.#now = now;
  }

  /**
   * Returns the token, from memory when read less than five minutes ago.
   *
   * @throws CredentialUnavailableError (`ERR_FEDERATED_TOKEN_FILE`) when the file is
   *   missing, not a regular file, over 64 KiB or empty, or the "path" holds a token.
   */
  async read(): Promise<string> {
    const now = this.#now();
    if (this.#contents !== undefined && now - this.#readAt < TOKEN_FILE_MAX_AGE_MS)
      return this.#contents;
    const name = this.#credentialName;
    const text = readRegularFile(this.#path, MAX_TOKEN_FILE_BYTES, (detail, cause) => {
      const message = `${name}: cannot read the federated token file ${detail}.`;
      return new CredentialUnavailableError(message, { code: "ERR_FEDERATED_TOKEN_FILE", cause });
    })
      .toString("utf8")
      .trim();
    if (!text) {
      throw new CredentialUnavailableError(
        `${this.#credentialName}: the federated token file ${JSON.stringify(this.#path)} is empty; the platform has not written a token to it (yet).`,
        { code: "ERR_FEDERATED_TOKEN_FILE" },
      );
    }
    this.#contents = text;
    this.#readAt = now;
    return text;
  }
}
