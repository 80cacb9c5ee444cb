/**
 * `entra-token` as a real child process (bin/entra-token.mjs over the build) against the fake
 * Entra: each output format, each exit code with its stderr gist, and no secret on any stream.
 *
 * @module
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { VERSION } from "../../lib/version.js";
import { FakeEntra } from "../support/fake_entra.js";
import { fixturePath } from "../support/fixtures.js";
import { BIN, runCli } from "./run_cli.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "e7700000-0000-4000-8000-0000000c11e7";
// Distinctive, as in spec/leak_scan.test.ts: any appearance on a stream is a leak.
const SECRET = "cli-leak-probe-secret-5e0d~/+x";
const SCOPE = "https://vault.azure.net/.default";

let entra: FakeEntra;
let home: string;

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: "/nonexistent",
    HOME: home,
    AZURE_AUTHORITY_HOST: entra.url,
    NODE_EXTRA_CA_CERTS: fixturePath("tls/ca.pem"),
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_CLIENT_SECRET: SECRET,
    ...extra,
  };
}

function assertNoSecret(result: { stdout: string; stderr: string }, secret = SECRET): void {
  for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
    assert.ok(!result.stdout.includes(form), "secret on stdout");
    assert.ok(!result.stderr.includes(form), "secret on stderr");
  }
}

before(async () => {
  entra = await FakeEntra.start();
  entra.register({ clientId: CLIENT, tenantId: TENANT, secret: SECRET });
  home = mkdtempSync(join(tmpdir(), "entra-token-home-"));
});
after(async () => {
  assert.deepEqual(entra.unexpected, []);
  await entra.close();
  rmSync(home, { recursive: true, force: true });
});

describe("entra-token prints a token", () => {
  test("--output token (default), from the environment credential", async () => {
    const result = await runCli(
      ["--scope", SCOPE, "--credential", "environment", "--disable-instance-discovery"],
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${entra.issuedTokens.at(-1)}\n`);
    assert.equal(result.stderr, "");
  });

  test("--output json mirrors az", async () => {
    const before = Math.floor(Date.now() / 1000);
    const result = await runCli(
      ["-s", SCOPE, "-c", "environment", "-o", "json", "--disable-instance-discovery"],
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), [
      "accessToken",
      "expiresOn",
      "expires_on",
      "tenant",
      "tokenType",
    ]);
    assert.equal(json.accessToken, entra.issuedTokens.at(-1));
    assert.equal(json.tenant, TENANT);
    assert.equal(json.tokenType, "Bearer");
    assert.ok(json.expires_on >= before + 3500 && json.expires_on <= before + 3700);
    assert.match(json.expiresOn, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  });

  test("--output header, through the default chain (EnvironmentCredential first)", async () => {
    const result = await runCli(
      ["-s", SCOPE, "-o", "header", "--disable-instance-discovery"],
      env(),
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Authorization: Bearer ${entra.issuedTokens.at(-1)}\n`);
  });

  test("--help (says the signature is not verified) and --version", async () => {
    const help = await runCli(["--help"], env());
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: entra-token --scope <scope>/);
    assert.match(help.stdout, /The signature is NOT verified/);
    assert.match(help.stdout, /5 {2}network failure/);
    const version = await runCli(["--version"], env());
    assert.equal(version.stdout, `${VERSION}\n`);
  });
});

describe("entra-token fails with the documented exit code, and no secret", () => {
  const cases: [string, string[], NodeJS.ProcessEnv, number, RegExp][] = [
    [
      "an unknown flag",
      ["-s", SCOPE, "--bogus"],
      {},
      2,
      /^entra-token: unknown option --bogus\.\nRun entra-token --help for usage\.\n$/,
    ],
    ["a missing --scope", ["-c", "environment"], {}, 2, /^entra-token: --scope is required/],
    [
      "an unknown credential name",
      ["-s", SCOPE, "-c", "vault"],
      {},
      2,
      /^entra-token: --credential must be one of /,
    ],
    [
      "a malformed scope",
      ["-s", "https://x/.default\\"],
      {},
      2,
      /^entra-token: scope 1 holds characters a scope cannot/,
    ],
    [
      "conflicting options",
      ["-s", SCOPE, "--decode", "-o", "json"],
      {},
      2,
      /^entra-token: --decode .* cannot be combined with --output/,
    ],
    [
      "a malformed tenant reaching the library",
      ["-s", SCOPE, "-c", "workload", "-t", "common"],
      { AZURE_FEDERATED_TOKEN_FILE: "/nonexistent" },
      2,
      /^entra-token: WorkloadIdentityCredential: "tenantId" must be your directory's tenant id/,
    ],
    [
      "an unconfigured credential (unavailable)",
      ["-s", SCOPE, "-c", "environment"],
      { AZURE_CLIENT_SECRET: "" },
      3,
      /^entra-token: EnvironmentCredential: the environment variables are not fully configured/,
    ],
    [
      "a tool that is not installed (unavailable)",
      ["-s", SCOPE, "-c", "cli"],
      {},
      3,
      /^entra-token: AzureCliCredential: Azure CLI could not be found/,
    ],
    [
      "a refused secret (authentication failed)",
      ["-s", SCOPE, "-c", "environment"],
      { AZURE_CLIENT_SECRET: `${SECRET}-wrong` },
      4,
      /^entra-token: EnvironmentCredential: invalid_client \(HTTP 401\): AADSTS7000215/,
    ],
    [
      "an untrusted TLS certificate (network)",
      ["-s", SCOPE, "-c", "environment"],
      { NODE_EXTRA_CA_CERTS: "" },
      5,
      /^entra-token: .*certificate/,
    ],
  ];
  for (const [what, argv, extra, code, stderr] of cases) {
    test(`${what}: exit ${code}`, async () => {
      const result = await runCli([...argv, "--disable-instance-discovery"], env(extra));
      assert.equal(result.code, code, result.stderr);
      assert.match(result.stderr, stderr);
      assert.equal(result.stdout, "");
      assert.ok(!/\n\s+at /.test(result.stderr), "no stack");
      assertNoSecret(result);
    });
  }

  test("a closed stdout (EPIPE): exit 0, quietly, no stack", async () => {
    const result = await runCli(
      ["-s", SCOPE, "-c", "environment", "--disable-instance-discovery"],
      env(),
      {
        closeStdout: true,
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
  });

  test("the launcher is executable and names node", async () => {
    const { readFileSync, statSync } = await import("node:fs");
    assert.match(readFileSync(BIN, "utf8"), /^#!\/usr\/bin\/env node\n/);
    assert.ok(statSync(BIN).mode & 0o100);
  });
});
