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
    "bin/entra-token.mjs",
    "LICENSE",
  ]);
  assert.deepEqual(pkg.bin, { "entra-token": "./bin/entra-token.mjs" });
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
    // build/dist holds each entry twice, as ESM chunks and as one CommonJS file; both dirs also
    // hold entra-zero/testing (the emulator) and the entra-token command.
    assert.ok(raw < (dir === "build/dist" ? 2 : 1) * 600 * 1024, "size budget");
  });
}

test("build/dist is the bundle: ESM entries with their chunks, and CommonJS entries", () => {
  const built = files(join(root, "build/dist")).map((f) => f.slice(root.length));
  for (const entry of [
    "index.js",
    "index.cjs",
    "testing.js",
    "testing.cjs",
    "persistence.js",
    "persistence.cjs",
    "cli.js",
  ])
    assert.ok(built.includes(join("build/dist", entry)), entry);
  // The PKCS#12 decoder is a chunk of its own, loaded only when a PKCS#12 file is met.
  assert.ok(
    built.some((f) => /chunks[/\\]pkcs12-\w+\.js$/.test(f)),
    "pkcs12 chunk",
  );
  assert.ok(
    built.every((f) =>
      /^build[/\\]dist[/\\](?:(?:index|testing|persistence)\.c?js|cli\.js|chunks[/\\][\w-]+\.c?js)$/.test(
        f,
      ),
    ),
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

test("entra-zero/testing is a subpath export of its own, types first, shipped by the files list", () => {
  const exports = pkg.exports as Record<string, Record<string, string>>;
  assert.deepEqual(exports["./testing"], {
    types: "./build/lib/testing/index.d.ts",
    import: "./build/dist/testing.js",
    require: "./build/dist/testing.cjs",
  });
  for (const path of Object.values(exports["./testing"]!)) statSync(join(root, path));
});

test('import "entra-zero" never loads the emulator: a resolve hook records every module of the child', async () => {
  const { spawnSync } = await import("node:child_process");
  const hook = `data:text/javascript,${encodeURIComponent(
    `import { register } from "node:module";
     register("data:text/javascript," + encodeURIComponent(
       "export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write('LOADED ' + r.url + '\\\\n'); return r; }"
     ));`,
  )}`;
  const child = spawnSync(
    process.execPath,
    [
      "--import",
      hook,
      "--input-type=module",
      "-e",
      'const m = await import("entra-zero"); const t = await import("entra-zero/testing"); console.log(typeof m.ClientSecretCredential, typeof t.startEntraEmulator);',
    ],
    { cwd: root, encoding: "utf8", timeout: 30_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout.trim(), "function function");
  const loaded = child.stderr
    .split("\n")
    .filter((line) => line.startsWith("LOADED file:"))
    .map((line) => line.slice("LOADED ".length));
  const testingAt = loaded.findIndex((url) => url.endsWith("/build/dist/testing.js"));
  assert.ok(testingAt > 0, "the hook saw entra-zero/testing load (it works)");
  const mainGraph = loaded.slice(0, testingAt);
  assert.ok(mainGraph.some((url) => url.endsWith("/build/dist/index.js")));
  // The emulator's code, wherever the bundler put it, carries its core's class name.
  const emulatorCode = (url: string) => readFileSync(new URL(url), "utf8").includes("EmulatorCore");
  assert.ok(emulatorCode(loaded[testingAt]!) || loaded.slice(testingAt).some(emulatorCode));
  assert.deepEqual(
    mainGraph.filter(emulatorCode),
    [],
    "the main entry's module graph reaches no emulator code",
  );
});

test("a bundler that inlines everything reachable leaves the persistent cache out unless the plugin is imported", async () => {
  const { build } = await import("esbuild");
  const bundle = async (contents: string) => {
    const result = await build({
      stdin: { contents, resolveDir: root, loader: "js" },
      bundle: true,
      minify: true,
      platform: "node",
      format: "esm",
      write: false,
      logLevel: "silent",
    });
    return result.outputFiles.map((f) => f.text).join("");
  };
  const plain = await bundle(
    'import { ClientSecretCredential } from "entra-zero"; console.log(new ClientSecretCredential("t", "c", "s"));',
  );
  const persisted = await bundle(
    'import { ClientSecretCredential, useIdentityPlugin } from "entra-zero"; import { cachePersistencePlugin } from "entra-zero/persistence"; useIdentityPlugin(cachePersistencePlugin); console.log(new ClientSecretCredential("t", "c", "s"));',
  );
  // The cache directory and the keyring tools' names stand for the persistence code.
  const marks = (text: string) =>
    ["IdentityService", "secret-tool", "keyctl"].filter((m) => text.includes(m));
  assert.deepEqual(marks(plain), []);
  assert.deepEqual(marks(persisted), ["IdentityService", "secret-tool", "keyctl"]);
  console.log(
    `ClientSecretCredential bundle: ${(plain.length / 1000).toFixed(1)} KB; with the persistence plugin: ${(persisted.length / 1000).toFixed(1)} KB`,
  );
});
