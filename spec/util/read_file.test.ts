import assert from "node:assert/strict";
import { linkSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { readRegularFile } from "../../lib/util/read_file.js";
import { throwsWith } from "../support/assert_error.js";

class ReadError extends Error {
  readonly code = "ERR_TEST_READ";
}
const fail = (detail: string) => new ReadError(`cannot read the test file ${detail}`);
const dir = mkdtempSync(join(tmpdir(), "entra-zero-read-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a regular file is read whole, even one whose size is reported as 0 (/proc)", () => {
  writeFileSync(join(dir, "plain"), "contents");
  assert.equal(readRegularFile(join(dir, "plain"), 8, fail).toString(), "contents");
  const status = readRegularFile("/proc/self/status", 64 * 1024, fail).toString();
  assert.match(status, /^Name:/);
  throwsWith(() => readRegularFile("/proc/self/status", 16, fail), {
    class: ReadError,
    code: "ERR_TEST_READ",
    message: /"\/proc\/self\/status" \(over the 16-byte limit\)$/,
  });
});

test("hard links are refused only where links are: a second name is fine for a certificate", () => {
  writeFileSync(join(dir, "target"), "linked");
  linkSync(join(dir, "target"), join(dir, "second"));
  assert.equal(readRegularFile(join(dir, "second"), 100, fail).toString(), "linked");
  throwsWith(() => readRegularFile(join(dir, "second"), 100, fail, true), {
    class: ReadError,
    code: "ERR_TEST_READ",
    message: /"[^"]*second" \(a hard link: the file has 2 names\)$/,
  });
});

test("values shaped like contents are refused without touching the file system or being quoted", () => {
  for (const value of [
    "a\nb",
    "x-----BEGIN PRIVATE KEY",
    "eyJhbGciOi.eyJzdWIi.c2ln",
    "p".repeat(1025),
  ]) {
    const error = throwsWith(() => readRegularFile(value, 100, fail), {
      class: ReadError,
      code: "ERR_TEST_READ",
      message:
        /^cannot read the test file \(a path was expected, but the value given looks like file contents; not shown\)$/,
    });
    assert.ok(!error.message.includes(value.slice(0, 8)));
  }
});
