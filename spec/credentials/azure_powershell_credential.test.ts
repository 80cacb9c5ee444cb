import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { POWERSHELL_SCRIPT, powerShellInvocation } from "../../lib/process/powershell_script.js";
import {
  fakeCliSandbox,
  rejectsWith,
  assertProcessesGone,
  type FakeCliSandbox,
} from "../support/fake_cli.js";
import {
  AzurePowerShellCredential,
  AbortError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

const SCOPE = "https://management.azure.com/.default";
const ENCODED = Buffer.from(POWERSHELL_SCRIPT, "utf16le").toString("base64");
const ARGV = ["-NoProfile", "-NonInteractive", "-EncodedCommand", ENCODED];

function sandbox(t: { after(fn: () => void): void }): FakeCliSandbox {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  return box;
}

test("the script is fixed text: values come only from environment variables", () => {
  const invocation = powerShellInvocation("pwsh", "https://r", "");
  assert.deepEqual(invocation.argv, ["pwsh", ...ARGV]);
  assert.equal(
    Buffer.from(invocation.argv[4] ?? "", "base64").toString("utf16le"),
    POWERSHELL_SCRIPT,
  );
  assert.match(POWERSHELL_SCRIPT, /ResourceUrl = \$env:AZURE_IDENTITY_POWERSHELL_RESOURCE/);
  assert.match(
    POWERSHELL_SCRIPT,
    /\$params\['TenantId'\] = \$env:AZURE_IDENTITY_POWERSHELL_TENANT_ID/,
  );
  assert.match(POWERSHELL_SCRIPT, /-MinimumVersion 2\.2\.0/);
  assert.match(POWERSHELL_SCRIPT, /ConvertFrom-SecureString -SecureString \$token -AsPlainText/);
});

test("success: exact argv, resource and tenant through the environment, Bearer", async (t) => {
  const box = sandbox(t);
  const credential = new AzurePowerShellCredential({
    tenantId: "home-tenant",
    env: box.env("success"),
  });
  const token = await credential.getToken(SCOPE);
  const { expiresOnTimestamp, ...rest } = token;
  assert.deepEqual(rest, { token: "fake-pwsh-token", tokenType: "Bearer" });
  // The fake tool answers an hour ahead, as real tools do.
  assert.ok(Math.abs(expiresOnTimestamp - Date.now() - 3600_000) < 60_000);
  const [call] = box.records();
  assert.equal(call?.tool, "pwsh");
  assert.deepEqual(call?.argv, ARGV);
  assert.equal(call?.env?.AZURE_IDENTITY_POWERSHELL_RESOURCE, "https://management.azure.com");
  assert.equal(call?.env?.AZURE_IDENTITY_POWERSHELL_TENANT_ID, "home-tenant");
  assert.equal("signRequest" in credential, false);
});

test("without a tenant the tenant variable is absent, even when the parent had one", async (t) => {
  const box = sandbox(t);
  await new AzurePowerShellCredential({
    env: box.env("success", { AZURE_IDENTITY_POWERSHELL_TENANT_ID: "stale" }),
  }).getToken(SCOPE);
  const [call] = box.records();
  assert.deepEqual(call?.argv, ARGV);
  assert.equal(call?.env?.AZURE_IDENTITY_POWERSHELL_TENANT_ID, undefined);
});

test("the variables the credential sets replace every case variant of their names", async (t) => {
  const box = sandbox(t);
  const seen: NodeJS.ProcessEnv[] = [];
  await new AzurePowerShellCredential({
    env: box.env("success", {
      azure_identity_powershell_resource: "stale",
      Azure_Identity_PowerShell_Tenant_Id: "stale",
      UNRELATED: "kept",
    }),
    spawn: (file, args, options) => {
      seen.push(options.env ?? {});
      return spawn(file, args, options);
    },
  }).getToken(SCOPE);
  const env = Object.entries(seen[0] ?? {}).filter(([, value]) => value !== undefined);
  assert.deepEqual(
    env.filter(([key]) => /^azure_identity_powershell_/i.test(key)),
    [["AZURE_IDENTITY_POWERSHELL_RESOURCE", "https://management.azure.com"]],
  );
  assert.equal(Object.fromEntries(env).UNRELATED, "kept");
});

test("per-call tenant under the policy; more than one scope refused", async (t) => {
  const box = sandbox(t);
  await new AzurePowerShellCredential({ env: box.env("success") }).getToken(SCOPE, {
    tenantId: "t2",
  });
  assert.equal(box.records()[0]?.env?.AZURE_IDENTITY_POWERSHELL_TENANT_ID, "t2");
  await rejectsWith(
    new AzurePowerShellCredential({ tenantId: "a", env: box.env("success") }).getToken(SCOPE, {
      tenantId: "b",
    }),
    CredentialUnavailableError,
    "ERR_TENANT_NOT_ALLOWED",
    /^AzurePowerShellCredential: /,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("success") }).getToken([SCOPE, SCOPE]),
    InvalidArgumentError,
    "ERR_INVALID_ARG_VALUE",
    /exactly one scope/,
  );
  assert.equal(box.records().length, 1);
});

test("claims: unavailable with the Connect-AzAccount command, nothing started", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("success") }).getToken(SCOPE, { claims: "{}" }),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /Connect-AzAccount -ClaimsChallenge e30=$/,
  );
  assert.equal(box.started(), false);
});

test("classification: not installed, not logged in, module missing", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzurePowerShellCredential({ env: { ...box.env("success"), PATH: box.emptyDir } }).getToken(
      SCOPE,
    ),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /^AzurePowerShellCredential: PowerShell could not be found/,
  );
  assert.equal(box.started(), false);
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("not-logged-in") }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /^AzurePowerShellCredential: Please run 'Connect-AzAccount'/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("no-module") }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /'Az\.Accounts' module >= 2\.2\.0 is not installed.*Install-Module -Name Az/,
  );
});

test("failures: redacted stderr, bad output, signal, timeout, abort, oversized output", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("error") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /^AzurePowerShellCredential: pwsh exited with code 1: Get-AzAccessToken: something broke with token \[REDACTED\]$/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("garbage") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_OUTPUT",
    /unexpected output from Get-AzAccessToken: the token line is missing/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("missing-fields") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_OUTPUT",
    /no expiry/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("signal") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /pwsh was terminated by SIGTERM/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("huge") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_RESPONSE_TOO_LARGE",
    /pwsh wrote more output/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ processTimeoutInMs: 300, env: box.env("hang") }).getToken(
      SCOPE,
    ),
    AuthenticationError,
    "ERR_TIMEOUT",
    /pwsh did not answer within 300 ms/,
  );
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("hang") }).getToken(SCOPE, {
      abortSignal: controller.signal,
    }),
    AbortError,
    "ERR_ABORTED",
    /aborted/,
  );
  await rejectsWith(
    new AzurePowerShellCredential({ env: box.env("success") }).getToken(SCOPE, {
      abortSignal: AbortSignal.abort(),
    }),
    AbortError,
    "ERR_ABORTED",
    /aborted/,
  );
  await assertProcessesGone(box);
});

for (const bad of [";", "&&", "`", "$()", "'", '"', "\n", "%"]) {
  test(`injection ${JSON.stringify(bad)} in scope or tenant is refused and starts nothing`, async (t) => {
    const box = sandbox(t);
    const credential = new AzurePowerShellCredential({ env: box.env("success") });
    await rejectsWith(
      credential.getToken(`https://x${bad}/.default`),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"scopes\[0\]"/,
    );
    await rejectsWith(
      credential.getToken(SCOPE, { tenantId: `t${bad}` }),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"options\.tenantId"/,
    );
    assert.throws(
      () => new AzurePowerShellCredential({ tenantId: `t${bad}` }),
      (e: unknown) => e instanceof InvalidArgumentError && /"tenantId"/.test(e.message),
    );
    assert.equal(box.started(), false);
  });
}

test("constructor rejects a non-positive timeout, naming it", () => {
  assert.throws(
    () => new AzurePowerShellCredential({ processTimeoutInMs: -1 }),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      /^AzurePowerShellCredential: "processTimeoutInMs"/.test(e.message),
  );
});
