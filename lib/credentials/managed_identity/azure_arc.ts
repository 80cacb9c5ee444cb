/**
 * Azure Arc-enabled servers (`IDENTITY_ENDPOINT` + `IMDS_ENDPOINT`). The agent answers the first
 * request with a `401` naming a key file; only a file in the agent's fixed token directory, ending
 * in `.key` and at most 4096 bytes, is read, and its contents are sent as `Authorization: Basic`.
 *
 * @see https://learn.microsoft.com/azure/azure-arc/servers/managed-identity-authentication
 * @module
 */
import { lstat, readFile } from "node:fs/promises";
import { basename, dirname, resolve, win32 } from "node:path";
import { AuthenticationError } from "../../errors.js";
import type { HttpResponse } from "../../http/transport.js";
import { FORM_CONTENT_TYPE, withQuery, type ManagedIdentitySource } from "./types.js";

/** The api-version of Azure Arc token requests. */
export const ARC_API_VERSION = "2020-06-01";
/** The largest key file the agent writes. */
export const ARC_MAX_KEY_BYTES = 4096;

/**
 * The directory the Arc agent writes key files to: `/var/opt/azcmagent/tokens` on Linux,
 * `%ProgramData%\AzureConnectedMachineAgent\Tokens` on Windows, none elsewhere.
 */
export function arcKeyDirectory(
  platform: NodeJS.Platform,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (platform === "linux") return "/var/opt/azcmagent/tokens";
  if (platform === "win32")
    return win32.join(env.ProgramData ?? "C:\\ProgramData", "AzureConnectedMachineAgent", "Tokens");
  return undefined;
}

/** The Azure Arc source: `GET {IDENTITY_ENDPOINT}?api-version=2020-06-01&resource=…` with `Metadata: true`. */
export function azureArcSource(
  endpoint: string,
  keyDirectory: string | undefined,
): ManagedIdentitySource {
  const url = new URL(endpoint);
  if (url.hostname === "localhost") url.hostname = "127.0.0.1";
  const source: ManagedIdentitySource = {
    kind: "azureArc",
    displayName: "Azure Arc",
    request: (resource) => ({
      method: "GET",
      url: withQuery(url.toString(), [
        ["api-version", ARC_API_VERSION],
        ["resource", resource],
      ]),
      headers: { Metadata: "true", "Content-Type": FORM_CONTENT_TYPE },
    }),
  };
  if (keyDirectory !== undefined) source.arcKeyDirectory = keyDirectory;
  return source;
}

function refuse(
  credentialName: string,
  code: "ERR_ARC_CHALLENGE" | "ERR_ARC_KEY_FILE",
  message: string,
  cause?: unknown,
): AuthenticationError {
  return new AuthenticationError(401, null, {
    credentialName,
    code,
    message: `Azure Arc: ${message}`,
    cause,
  });
}

/**
 * Reads the key-file path from the agent's `WWW-Authenticate: Basic realm=<path>` challenge (pure).
 *
 * @throws AuthenticationError `ERR_ARC_CHALLENGE` when the header is missing or has another form.
 */
export function parseArcChallenge(credentialName: string, response: HttpResponse): string {
  const raw = response.headers["www-authenticate"];
  const header = Array.isArray(raw) ? raw[0] : raw;
  const match = header?.match(/^\s*Basic\s+realm\s*=\s*"?([^"]+?)"?\s*$/i);
  if (!match?.[1]) {
    const what =
      header === undefined
        ? "no WWW-Authenticate header"
        : 'a WWW-Authenticate header that is not "Basic realm=<key file path>"';
    throw refuse(
      credentialName,
      "ERR_ARC_CHALLENGE",
      `the agent answered HTTP ${response.status} with ${what}.`,
    );
  }
  return match[1];
}

/**
 * Checks that a challenge's key file lies directly in `directory` and ends in `.key` (pure).
 *
 * @returns the absolute path to read.
 * @throws AuthenticationError `ERR_ARC_KEY_FILE` naming the rule the path breaks.
 */
export function checkArcKeyPath(
  credentialName: string,
  keyPath: string,
  directory: string | undefined,
): string {
  if (directory === undefined) {
    throw refuse(
      credentialName,
      "ERR_ARC_KEY_FILE",
      `managed identity is supported on Linux and Windows only, not ${process.platform}.`,
    );
  }
  const isWindows = /^[A-Za-z]:\\/.test(directory);
  const absolute = isWindows ? win32.resolve(keyPath) : resolve(keyPath);
  const parent = isWindows ? win32.dirname(absolute) : dirname(absolute);
  const expected = isWindows ? win32.resolve(directory) : resolve(directory);
  const same = isWindows ? parent.toLowerCase() === expected.toLowerCase() : parent === expected;
  if (!same) {
    throw refuse(
      credentialName,
      "ERR_ARC_KEY_FILE",
      `the challenge names the key file ${JSON.stringify(keyPath)}, which is not in the agent's token directory ${expected}; refusing to read it.`,
    );
  }
  if (!(isWindows ? win32.basename(absolute) : basename(absolute)).endsWith(".key")) {
    throw refuse(
      credentialName,
      "ERR_ARC_KEY_FILE",
      `the challenge names the key file ${JSON.stringify(keyPath)}, which does not end in ".key"; refusing to read it.`,
    );
  }
  return absolute;
}

/**
 * Reads a checked key file: it must be a regular file (not a link) of at most 4096 bytes.
 *
 * @returns the file's contents, the value of `Authorization: Basic`.
 * @throws AuthenticationError `ERR_ARC_KEY_FILE`; the message never holds the contents.
 */
export async function readArcKey(credentialName: string, absolutePath: string): Promise<string> {
  let size: number;
  try {
    const stats = await lstat(absolutePath);
    if (!stats.isFile())
      throw refuse(
        credentialName,
        "ERR_ARC_KEY_FILE",
        `the key file ${absolutePath} is not a regular file.`,
      );
    size = stats.size;
  } catch (error) {
    if (error instanceof AuthenticationError) throw error;
    throw refuse(
      credentialName,
      "ERR_ARC_KEY_FILE",
      `cannot read the key file ${absolutePath} (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
      error,
    );
  }
  if (size > ARC_MAX_KEY_BYTES) {
    throw refuse(
      credentialName,
      "ERR_ARC_KEY_FILE",
      `the key file ${absolutePath} is ${size} bytes, over the ${ARC_MAX_KEY_BYTES}-byte limit; refusing to read it.`,
    );
  }
  const contents = (await readFile(absolutePath, "utf8")).trim();
  if (!contents)
    throw refuse(credentialName, "ERR_ARC_KEY_FILE", `the key file ${absolutePath} is empty.`);
  return contents;
}
