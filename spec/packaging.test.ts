import assert from "node:assert/strict";
import { test } from "node:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { VERSION } from "../lib/version.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test("package.json declares no runtime dependencies of any kind, and only the allowed devDependencies", () => {
  for (const field of [
    "dependencies",
    "peerDependencies",
    "optionalDependencies",
    "bundleDependencies",
    "bundledDependencies",
  ]) {
    assert.equal(pkg[field], undefined, field);
  }
  const allowed = [
    "@azure/core-rest-pipeline",
    "@azure/identity",
    "@azure/keyvault-secrets",
    "@types/node",
    "esbuild",
    "prettier",
    "typescript",
  ];
  for (const name of Object.keys(pkg.devDependencies as object)) {
    assert.ok(allowed.includes(name), `${name} is not an allowed devDependency`);
  }
});

test("package.json is ESM with types first, then the ESM bundle and the CommonJS build, no side effects, Node >= 20.16", () => {
  assert.equal(pkg.type, "module");
  assert.equal(pkg.sideEffects, false);
  assert.deepEqual((pkg.exports as Record<string, Record<string, string>>)["."], {
    types: "./build/lib/index.d.ts",
    import: "./build/dist/index.js",
    require: "./build/dist/index.cjs",
  });
  assert.equal(pkg.main, "./build/dist/index.cjs");
  // process.getBuiltinModule, which loads built-ins on first use, arrived in Node 20.16.
  assert.equal((pkg.engines as Record<string, string>).node, ">=20.16");
  assert.equal(pkg.version, VERSION);
});

test("publishes only the build and LICENSE, an MIT licence as package.json says", () => {
  assert.deepEqual(pkg.files, [
    "build/dist/**/*.js",
    "build/dist/**/*.cjs",
    "build/lib/**/*.d.ts",
    "LICENSE",
  ]);
  assert.equal(pkg.license, "MIT");
  const license = readFileSync(join(root, "LICENSE"), "utf8");
  assert.match(license, /^MIT License\n\nCopyright \(c\) 2026 the entra-zero contributors\n/);
  assert.match(license, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
});

test("installing from git or a folder builds: the build runs in prepare, the one script npm runs there", () => {
  const scripts = pkg.scripts as Record<string, string>;
  assert.equal(scripts.prepare, "npm run build");
  // prepack would build a second time in `npm pack` and `npm publish`, which run prepare too.
  assert.equal(scripts.prepack, undefined);
});

for (const dir of ["build/lib", "build/dist"]) {
  test(`${dir} imports only node: built-ins and relative files, and prints its size`, () => {
    const built = files(join(root, dir)).filter((f) => /\.c?js$/.test(f));
    const offenders: string[] = [];
    let raw = 0;
    let gzip = 0;
    for (const file of built) {
      const text = readFileSync(file, "utf8");
      raw += text.length;
      gzip += gzipSync(text).length;
      for (const match of text.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\brequire\s*\(\s*)["']([^"']+)["']/gm,
      )) {
        if (!match[1]!.startsWith("node:") && !match[1]!.startsWith("."))
          offenders.push(`${file}: ${match[1]}`);
      }
      if (file.endsWith(".js")) assert.ok(!/\brequire\s*\(/.test(text), `${file} uses require`);
    }
    assert.deepEqual(offenders, []);
    console.log(
      `${dir}: ${built.length} files, ${(raw / 1024).toFixed(1)} KiB raw, ${(gzip / 1024).toFixed(1)} KiB gzipped (per file)`,
    );
    // build/dist holds the package twice: ESM chunks and one CommonJS file.
    assert.ok(raw < (dir === "build/dist" ? 2 : 1) * 400 * 1024, "size budget");
  });
}

test("build/dist is the bundle: an ESM entry with its chunks and a CommonJS entry", () => {
  const built = files(join(root, "build/dist")).map((f) => f.slice(root.length));
  assert.ok(built.includes(join("build/dist/index.js")));
  assert.ok(built.includes(join("build/dist/index.cjs")));
  // The PKCS#12 decoder is a chunk of its own, loaded only when a PKCS#12 file is met.
  assert.ok(
    built.some((f) => /chunks[/\\]pkcs12-\w+\.js$/.test(f)),
    "pkcs12 chunk",
  );
  assert.ok(
    built.every((f) => /^build[/\\]dist[/\\](?:index\.c?js|chunks[/\\][\w-]+\.js)$/.test(f)),
  );
});

test("nothing in lib runs at import: no top-level await, timers or env reads outside functions", () => {
  const built = [...files(join(root, "build/lib")), ...files(join(root, "build/dist"))];
  for (const file of built.filter((f) => /\.c?js$/.test(f))) {
    const text = readFileSync(file, "utf8");
    for (const line of text.split("\n")) {
      if (/^(?:await |setTimeout|setInterval|process\.env)/.test(line))
        assert.fail(`${file}: top-level side effect: ${line}`);
    }
  }
});
