/**
 * The Azure Arc challenge. The agent answers the first request with a `401` naming a key file;
 * only a file in the agent's fixed token directory, ending in `.key` and at most 4096 bytes, is
 * read, and its contents are sent as `Authorization: Basic`.
 *
 * @see https://learn.microsoft.com/azure/azure-arc/servers/managed-identity-authentication
 * @module
 */
import { posix, win32 } from "node:path";
import { authenticationFailure } from "../../errors.js";
import { checkHeaderValue, type HttpResponse } from "../../http/transport.js";
import { quotePath, readRegularFile } from "../../util/read_file.js";
import { NAME } from "./sources.js";

/** The largest key file the agent writes. */
const ARC_MAX_KEY_BYTES = 4096;

function refuse(code: "ERR_ARC_CHALLENGE" | "ERR_ARC_KEY_FILE", message: string, cause?: unknown) {
  return authenticationFailure(NAME, code, `Azure Arc: ${message}`, { status: 401, cause });
}

/**
 * Reads the key-file path from the agent's `WWW-Authenticate: Basic realm=<path>` challenge (pure).
 *
 * @throws AuthenticationError `ERR_ARC_CHALLENGE` when the header is missing or has another form.
 */
export function parseArcChallenge(response: HttpResponse): string {
  const header = response.headers["www-authenticate"];
  const match = header?.match(/^\s*Basic\s+realm\s*=\s*"?([^"]+?)"?\s*$/i);
  if (match?.[1]) return match[1];
  const what =
    header === undefined
      ? "no WWW-Authenticate header"
      : 'a WWW-Authenticate header that is not "Basic realm=<key file path>"';
  throw refuse("ERR_ARC_CHALLENGE", `the agent answered HTTP ${response.status} with ${what}.`);
}

/**
 * Checks that a challenge's key file lies directly in `directory` and ends in `.key` (pure).
 *
 * @returns the absolute path to read.
 * @throws AuthenticationError `ERR_ARC_KEY_FILE` naming the rule the path breaks.
 */
export function checkArcKeyPath(keyPath: string, directory: string | undefined): string {
  if (directory === undefined)
    throw refuse(
      "ERR_ARC_KEY_FILE",
      `managed identity is supported on Linux and Windows only, not ${process.platform}.`,
    );
  const isWindows = /^[A-Za-z]:\\/.test(directory);
  const path = isWindows ? win32 : posix;
  const absolute = path.resolve(keyPath);
  const expected = path.resolve(directory);
  const parent = path.dirname(absolute);
  const same = isWindows ? parent.toLowerCase() === expected.toLowerCase() : parent === expected;
  const named = `the challenge names the key file ${quotePath(keyPath)}, which`;
  if (!same)
    throw refuse(
      "ERR_ARC_KEY_FILE",
      `${named} is not in the agent's token directory ${expected}; refusing to read it.`,
    );
  if (!path.basename(absolute).endsWith(".key"))
    throw refuse("ERR_ARC_KEY_FILE", `${named} does not end in ".key"; refusing to read it.`);
  return absolute;
}

/**
 * Reads a checked key file: it must be a regular file of at most 4096 bytes with one name (not a
 * symbolic or hard link, which could point outside the token directory).
 *
 * @returns the file's contents, the value of `Authorization: Basic`.
 * @throws AuthenticationError `ERR_ARC_KEY_FILE`; the message never holds the contents.
 * @throws InvalidArgumentError `ERR_INVALID_ARG_VALUE` when the contents hold a line break.
 */
export async function readArcKey(absolutePath: string): Promise<string> {
  const fail = (detail: string, cause?: unknown) =>
    refuse("ERR_ARC_KEY_FILE", `cannot read the key file ${detail}; refusing to use it.`, cause);
  const contents = readRegularFile(absolutePath, ARC_MAX_KEY_BYTES, fail, true).toString().trim();
  if (!contents) throw refuse("ERR_ARC_KEY_FILE", `the key file ${absolutePath} is empty.`);
  checkHeaderValue(NAME, `Azure Arc: the key file ${absolutePath}`, contents);
  return contents;
}
