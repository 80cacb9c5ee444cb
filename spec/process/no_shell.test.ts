import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const LIB = fileURLToPath(new URL("../../../lib/", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

test("lib/ never asks for a shell, never uses exec/execFile, and builds a command line only for cmd.exe", () => {
  for (const file of sources(LIB)) {
    const text = readFileSync(file, "utf8");
    const name = file.slice(LIB.length);
    assert.doesNotMatch(text, /shell:\s*true/, `${name} asks for a shell`);
    assert.doesNotMatch(text, /\bexec(?:Sync|File|FileSync)?\(/, `${name} uses exec`);
    if (/windowsVerbatimArguments:\s*true/.test(text))
      assert.equal(name, join("process", "windows.ts"), `${name} builds a verbatim command line`);
  }
});
