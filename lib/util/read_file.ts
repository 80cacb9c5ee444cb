/**
 * Reads small files named by configuration (certificates, federated tokens, Arc keys) so that no
 * path can block the event loop, hold the process open, exhaust memory or echo a secret.
 *
 * @module
 */
// node:fs is taken at first use, not imported: an ES module import of a built-in builds its
// facade, which for node:fs costs about a millisecond of the package's import.
const CONTENTS = /[\r\n]|-----BEGIN|^eyJ[\w-]*\.[\w-]*\./;

function readChecked(path: string, maxBytes: number, noLinks: boolean): Buffer | string {
  const {
    closeSync,
    constants: c,
    fstatSync,
    lstatSync,
    openSync,
    readSync,
  } = process.getBuiltinModule("node:fs");
  if (noLinks && lstatSync(path).isSymbolicLink()) return "a symbolic link";
  const fd = openSync(path, c.O_RDONLY | (c.O_NONBLOCK ?? 0) | (noLinks ? (c.O_NOFOLLOW ?? 0) : 0));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return "not a regular file";
    if (noLinks && stats.nlink > 1) return `a hard link: the file has ${stats.nlink} names`;
    if (stats.size > maxBytes) return `${stats.size} bytes, over the ${maxBytes}-byte limit`;
    const buffer = Buffer.alloc(maxBytes + 1); // not stats.size: files can grow, /proc files say 0
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    return length > maxBytes ? `over the ${maxBytes}-byte limit` : buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/**
 * A path as a message quotes it: JSON-escaped, including U+2028 and U+2029, which JSON leaves as
 * they are and which a log viewer shows as line breaks.
 */
export function quotePath(path: string): string {
  return JSON.stringify(path).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/**
 * Reads a regular file of at most `maxBytes`. The file is opened non-blocking (a FIFO cannot
 * stall the open) and checked on the open descriptor, so a pipe, device or directory is refused
 * before any byte is read. A value that looks like file contents (a line break, PEM armour, a
 * JWT, more than 1024 characters) is refused unread and never quoted.
 *
 * @param path - the configured path.
 * @param maxBytes - the largest file accepted.
 * @param fail - builds the caller's error from the rest of a message that starts "cannot read
 *   the … file ", e.g. `"/p" (ENOENT)`; the file's contents are never in it.
 * @param noLinks - also refuse a symbolic link and a file with more than one hard link.
 * @returns the contents.
 */
export function readRegularFile(
  path: string,
  maxBytes: number,
  fail: (detail: string, cause?: unknown) => Error,
  noLinks = false,
): Buffer {
  if (CONTENTS.test(path) || path.length > 1024)
    throw fail("(a path was expected, but the value given looks like file contents; not shown)");
  let result: Buffer | string;
  try {
    result = readChecked(path, maxBytes, noLinks);
  } catch (cause) {
    result = (cause as NodeJS.ErrnoException).code ?? "error";
    throw fail(`${quotePath(path)} (${result})`, cause);
  }
  if (typeof result === "string") throw fail(`${quotePath(path)} (${result})`);
  return result;
}
