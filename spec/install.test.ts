import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from "node:fs";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { FakeEntra } from "./support/fake_entra.js";
import { fixturePath } from "./support/fixtures.js";

// What users get: the tarball `npm pack` makes, installed into a project of its own with no
// registry at hand, imported by a separate `node` process that gets a token from the fake Entra.

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "0b7c5e1a-0000-4000-8000-0000000017a1";
const SECRET = "install~Check.Secret_0123456789";
const SCOPE = "https://vault.azure.net/.default";
const NPM_TIMEOUT_MS = 60_000;
const NODE_TIMEOUT_MS = 15_000;

/** The published files: everything else in the repository stays out of the tarball. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^build\/dist\/(?:index|testing|persistence)\.c?js$/,
  /^build\/dist\/cli\.js$/,
  /^build\/dist\/chunks\/[\w-]+\.c?js$/,
  /^build\/lib\/.+\.d\.ts$/,
  /^bin\/entra-token\.mjs$/,
];

/**
 * The environment minus what `npm test` sets for its scripts, which would steer the child npm,
 * plus an empty npm cache of our own: the install must need nothing that is not in the tarball.
 */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== "INIT_CWD"),
  );
  return { ...env, npm_config_cache: join(temp, "npm-cache"), ...extra };
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

function listing(dir: string): string[] {
  return files(dir)
    .map((f) => relative(dir, f).split(sep).join("/"))
    .sort();
}

let fake: FakeEntra;
/** The environment of a child that gets a token from the fake Entra. */
const tokenEnv = () =>
  childEnv({
    TENANT,
    CLIENT,
    SECRET,
    SCOPE,
    AUTHORITY: fake.url,
    CA_FILE: fixturePath("tls/ca.pem"),
  });
let temp: string;
let project: string;
let installed: string;

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
  temp = mkdtempSync(join(tmpdir(), "entra-zero-install-"));
  // --ignore-scripts: `prepare` would rebuild build/ under the specs running beside this one;
  // the tarball is made from the build these specs were compiled with.
  const packed = await run(
    "npm",
    ["pack", "--ignore-scripts", "--json", "--pack-destination", temp],
    {
      cwd: root,
      env: childEnv(),
      timeout: NPM_TIMEOUT_MS,
    },
  );
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  project = join(temp, "project");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "install-check", version: "1.0.0", private: true, type: "module" }),
  );
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", join(temp, filename)], {
    cwd: project,
    env: childEnv(),
    timeout: NPM_TIMEOUT_MS,
  });
  installed = join(project, "node_modules", "entra-zero");
});

after(async () => {
  if (temp) rmSync(temp, { recursive: true, force: true });
  if (fake) {
    assert.deepEqual(fake.unexpected, []);
    await fake.close();
  }
});

describe("npm pack, then npm install --offline of the tarball in another project", () => {
  test("installs only entra-zero: no dependency comes with it", () => {
    const modules = readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."));
    assert.deepEqual(modules, ["entra-zero"]);
  });

  test("the installed package holds LICENSE, package.json and the built JS, and nothing else", () => {
    const got = listing(installed);
    for (const required of [
      "LICENSE",
      "package.json",
      "build/dist/index.js",
      "build/dist/index.cjs",
      "build/lib/index.d.ts",
    ])
      assert.ok(got.includes(required), `${required} is missing from the installed package`);
    assert.deepEqual(
      got.filter((f) => !ALLOWED.some((pattern) => pattern.test(f))),
      [],
      "files outside the allow-list",
    );
    const built = [
      ...listing(join(root, "build/dist")).map((f) => `build/dist/${f}`),
      ...listing(join(root, "build/lib"))
        .filter((f) => f.endsWith(".d.ts"))
        .map((f) => `build/lib/${f}`),
    ].sort();
    assert.deepEqual(
      got.filter((f) => f.startsWith("build/")),
      built,
    );
    assert.equal(
      readFileSync(join(installed, "LICENSE"), "utf8"),
      readFileSync(join(root, "LICENSE"), "utf8"),
    );
  });

  test("the installed entra-token command runs (node_modules/.bin)", async () => {
    const bin = join(project, "node_modules", ".bin", "entra-token");
    const { stdout } = await run(bin, ["--version"], { timeout: NODE_TIMEOUT_MS });
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    assert.equal(stdout, `${pkg.version}\n`);
  });

  test("every target in the installed exports map exists", () => {
    const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const targets = Object.values(pkg.exports).flatMap((t) =>
      typeof t === "string" ? [t] : Object.values(t),
    );
    assert.ok(targets.length >= 3);
    const got = listing(installed);
    for (const target of targets) assert.ok(got.includes(target.replace(/^\.\//, "")), target);
  });

  test("a node process in that project imports entra-zero and gets a token from the fake Entra", async () => {
    writeFileSync(
      join(project, "get-token.mjs"),
      [
        `import { readFileSync } from "node:fs";`,
        `import { ClientSecretCredential } from "entra-zero";`,
        `const { TENANT, CLIENT, SECRET, AUTHORITY, CA_FILE, SCOPE } = process.env;`,
        `const credential = new ClientSecretCredential(TENANT, CLIENT, SECRET, {`,
        `  authorityHost: AUTHORITY,`,
        `  disableInstanceDiscovery: true,`,
        `  tlsOptions: { ca: readFileSync(CA_FILE, "utf8") },`,
        `});`,
        `try {`,
        `  const token = await credential.getToken(SCOPE);`,
        `  console.log(JSON.stringify({ token, from: import.meta.resolve("entra-zero") }));`,
        `} finally {`,
        `  await credential.close();`,
        `}`,
      ].join("\n"),
    );
    const before = Date.now();
    const { stdout } = await run(process.execPath, ["get-token.mjs"], {
      cwd: project,
      timeout: NODE_TIMEOUT_MS,
      env: tokenEnv(),
    });
    const out = JSON.parse(stdout) as {
      token: { token: string; tokenType: string; expiresOnTimestamp: number };
      from: string;
    };
    assert.equal(fake.tokenRequests.length, 1);
    assert.equal(fake.tokenRequests[0]!.form.client_secret, SECRET);
    assert.equal(out.token.token, fake.issuedTokens.at(-1));
    assert.equal(out.token.tokenType, "Bearer");
    assert.ok(out.token.expiresOnTimestamp > before + 3000_000);
    assert.equal(
      out.from,
      pathToFileURL(join(realpathSync(installed), "build/dist/index.js")).href,
      "resolved from the project's node_modules",
    );
  });

  test("a CommonJS caller require()s the CommonJS build and gets a token with it", async () => {
    writeFileSync(
      join(project, "require.cjs"),
      [
        `const { readFileSync } = require("node:fs");`,
        `const { ClientSecretCredential, AuthenticationError } = require("entra-zero");`,
        `const { TENANT, CLIENT, SECRET, AUTHORITY, CA_FILE, SCOPE } = process.env;`,
        `const credential = new ClientSecretCredential(TENANT, CLIENT, SECRET, {`,
        `  authorityHost: AUTHORITY,`,
        `  disableInstanceDiscovery: true,`,
        `  tlsOptions: { ca: readFileSync(CA_FILE, "utf8") },`,
        `});`,
        `credential.getToken(SCOPE).then((token) => {`,
        `  const from = require.resolve("entra-zero");`,
        `  console.log(JSON.stringify({ token: token.token, error: typeof AuthenticationError, from }));`,
        `});`,
      ].join("\n"),
    );
    const { stdout } = await run(process.execPath, ["require.cjs"], {
      cwd: project,
      timeout: NODE_TIMEOUT_MS,
      env: tokenEnv(),
    });
    const out = JSON.parse(stdout) as { token: string; error: string; from: string };
    assert.equal(out.token, fake.issuedTokens.at(-1));
    assert.equal(out.error, "function");
    assert.equal(out.from, join(realpathSync(installed), "build/dist/index.cjs"));
  });

  test("entra-zero/persistence registers the persistent cache from import and from require", async () => {
    const body = [
      `m.useIdentityPlugin(p.cachePersistencePlugin);`,
      `new m.ClientSecretCredential("${TENANT}", "app", "x", { tokenCachePersistenceOptions: { enabled: true } });`,
      `console.log(typeof p.cachePersistencePlugin);`,
    ];
    const scripts = {
      module: `const m = await import("entra-zero"); const p = await import("entra-zero/persistence"); ${body.join(" ")}`,
      commonjs: `const m = require("entra-zero"); const p = require("entra-zero/persistence"); ${body.join(" ")}`,
    };
    for (const [type, script] of Object.entries(scripts)) {
      const { stdout } = await run(process.execPath, [`--input-type=${type}`, "-e", script], {
        cwd: project,
        timeout: NODE_TIMEOUT_MS,
        env: childEnv({}),
      });
      assert.equal(stdout.trim(), "function", type);
    }
  });

  // Other Node versions, e.g. ENTRA_ZERO_OTHER_NODES=$(npx -y node@22 -p process.execPath).
  const others = (process.env.ENTRA_ZERO_OTHER_NODES ?? "").split(":").filter(Boolean);
  test("the same import and require scripts on other Node versions (ENTRA_ZERO_OTHER_NODES)", async (t) => {
    if (others.length === 0) return t.skip("set ENTRA_ZERO_OTHER_NODES to paths of node binaries");
    for (const node of others) {
      for (const script of ["get-token.mjs", "require.cjs"]) {
        const { stdout } = await run(node, [script], {
          cwd: project,
          timeout: NODE_TIMEOUT_MS,
          env: tokenEnv(),
        });
        const token = JSON.parse(stdout) as { token: string | { token: string } };
        const value = typeof token.token === "string" ? token.token : token.token.token;
        assert.equal(value, fake.issuedTokens.at(-1), `${node} ${script}`);
      }
      const { stdout } = await run(node, ["-p", "process.version"]);
      t.diagnostic(`${node}: ${stdout.trim()} imports and requires entra-zero`);
    }
  });
});
