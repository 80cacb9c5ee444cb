import { readFile } from "node:fs/promises";
import { CredentialUnavailableError } from "../errors.js";

/** A projected token is re-read once this old, so a rotated token is picked up well before expiry. */
export const TOKEN_FILE_MAX_AGE_MS = 5 * 60 * 1000;

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
   * @throws CredentialUnavailableError (`ERR_FEDERATED_TOKEN_FILE`) when the file cannot be read or is empty.
   */
  async read(): Promise<string> {
    const now = this.#now();
    if (this.#contents !== undefined && now - this.#readAt < TOKEN_FILE_MAX_AGE_MS)
      return this.#contents;
    let text: string;
    try {
      text = (await readFile(this.#path, "utf8")).trim();
    } catch (cause) {
      throw new CredentialUnavailableError(
        `${this.#credentialName}: cannot read the federated token file ${JSON.stringify(this.#path)} (${(cause as NodeJS.ErrnoException).code ?? "error"}).`,
        { code: "ERR_FEDERATED_TOKEN_FILE", cause },
      );
    }
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
