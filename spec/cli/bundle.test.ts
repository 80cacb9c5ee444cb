/**
 * `npm run bundle`: one self-contained `entra-token.mjs`, copied alone into an empty directory,
 * prints its help and fetches a token from the fake Entra. Prints its size.
 *
 * @module
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath } from "../support/fixtures.js";
import { ROOT, runCli } from "./run_cli.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "b0d1e000-0000-4000-8000-00000000b0d1";
const SECRET = "bundle-leak-probe-secret-2c9a";

let entra: FakeEntra;
let work: string;
let empty: string;

before(async () => {
  entra = await FakeEntra.start();
  entra.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
  work = mkdtempSync(join(tmpdir(), "entra-token-bundle-"));
  empty = mkdtempSync(join(tmpdir(), "entra-token-empty-"));
});
after(async () => {
  await entra.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

test("the bundle runs from an empty directory: --help, and a token from the fake Entra", async (t) => {
  try {
    await import("esbuild");
  } catch {
    t.skip("esbuild (a devDependency) is not installed");
    return;
  }
  const built = join(work, "entra-token.mjs");
  const bundling = await runCli(
    [built],
    { PATH: process.env.PATH },
    {
      script: join(ROOT, "bin/bundle.mjs"),
    },
  );
  assert.equal(bundling.code, 0, bundling.stderr);
  const size = statSync(built).size;
  console.log(`entra-token.mjs (npm run bundle, minified): ${(size / 1024).toFixed(1)} KiB`);
  assert.ok(size < 200 * 1024, `${size} bytes`);

  const script = join(empty, "entra-token.mjs");
  copyFileSync(built, script);
  assert.deepEqual(readdirSync(empty), ["entra-token.mjs"], "nothing else beside it");
  const help = await runCli(["--help"], {}, { script, cwd: empty });
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: entra-token --scope <scope>/);

  const env = {
    HOME: empty,
    AZURE_AUTHORITY_HOST: entra.url,
    NODE_EXTRA_CA_CERTS: fixturePath("tls/ca.pem"),
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_CLIENT_SECRET: SECRET,
  };
  const argv = ["-s", "https://vault.azure.net/.default", "-c", "environment", "-o", "json"];
  const token = await runCli([...argv, "--disable-instance-discovery"], env, {
    script,
    cwd: empty,
  });
  assert.equal(token.code, 0, token.stderr);
  assert.equal(JSON.parse(token.stdout).accessToken, entra.issuedTokens.at(-1));

  const emulator = await runCli(["emulator"], {}, { script, cwd: empty });
  assert.equal(emulator.code, 1);
  assert.match(emulator.stderr, /^entra-token: the emulator is not part of this build/);
});
