import { CredentialUnavailableError } from "../errors.js";
import { quotePath, readRegularFile } from "../util/read_file.js";

/** A projected token is re-read once this old, so a rotated token is picked up well before expiry. */
const TOKEN_FILE_MAX_AGE_MS = 5 * 60 * 1000;

/** Projected service-account tokens are about 1 KB; anything past this is not a token. */
const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * Reads a federated token file (e.g. the Kubernetes service-account token AKS projects) on demand
 * and keeps it in memory for five minutes.
 *
 * @param credentialName - starts every message.
 * @param path - the file's path.
 * @param now - the clock.
 * @returns a reader of the token: from memory when read less than five minutes ago.
 * @throws CredentialUnavailableError (`ERR_FEDERATED_TOKEN_FILE`), from the reader, when the file
 *   is missing, not a regular file, over 64 KiB or empty, or the "path" holds a token.
 */
export function federatedTokenReader(
  credentialName: string,
  path: string,
  now: () => number,
): () => Promise<string> {
  const code = "ERR_FEDERATED_TOKEN_FILE";
  const fail = (message: string, cause?: unknown) =>
    new CredentialUnavailableError(`${credentialName}: ${message}`, { code, cause });
  let contents: string | undefined;
  let readAt = 0;
  return async () => {
    if (contents !== undefined && now() - readAt < TOKEN_FILE_MAX_AGE_MS) return contents;
    const bytes = readRegularFile(path, MAX_TOKEN_FILE_BYTES, (detail, cause) =>
      fail(`cannot read the federated token file ${detail}.`, cause),
    );
    const text = bytes.toString().trim();
    if (!text)
      throw fail(
        `the federated token file ${quotePath(path)} is empty; the platform has not written a token to it (yet).`,
      );
    [contents, readAt] = [text, now()];
    return text;
  };
}
