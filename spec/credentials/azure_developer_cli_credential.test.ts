import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fakeCliSandbox,
  rejectsWith,
  assertProcessesGone,
  type FakeCliSandbox,
} from "../support/fake_cli.js";
import {
  AzureDeveloperCliCredential,
  AbortError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

const SCOPE = "https://management.azure.com/.default";
const BASE_ARGV = ["auth", "token", "--output", "json", "--no-prompt"];

function sandbox(t: { after(fn: () => void): void }): FakeCliSandbox {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  return box;
}

test("success: exact argv with each scope unchanged, NO_COLOR, ISO expiry, Bearer", async (t) => {
  const box = sandbox(t);
  const credential = new AzureDeveloperCliCredential({ env: box.env("success") });
  const token = await credential.getToken([SCOPE, "api://app/user.read"]);
  const { expiresOnTimestamp, ...rest } = token;
  assert.deepEqual(rest, { token: "fake-azd-token", tokenType: "Bearer" });
  // The fake tool answers an hour ahead, as real tools do.
  assert.ok(Math.abs(expiresOnTimestamp - Date.now() - 3600_000) < 60_000);
  const [call] = box.records();
  assert.deepEqual(call?.argv, [...BASE_ARGV, "--scope", SCOPE, "--scope", "api://app/user.read"]);
  assert.equal(call?.env?.NO_COLOR, "true");
  assert.equal("signRequest" in credential, false);
});

test("tenantId becomes --tenant-id and claims become base64 --claims", async (t) => {
  const box = sandbox(t);
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1"}}}';
  await new AzureDeveloperCliCredential({
    tenantId: "home-tenant",
    env: box.env("success"),
  }).getToken(SCOPE, { claims });
  assert.deepEqual(box.records()[0]?.argv, [
    ...BASE_ARGV,
    "--scope",
    SCOPE,
    "--tenant-id",
    "home-tenant",
    "--claims",
    Buffer.from(claims).toString("base64"),
  ]);
});

test("per-call tenant needs additionallyAllowedTenants", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureDeveloperCliCredential({ tenantId: "home", env: box.env("success") }).getToken(SCOPE, {
      tenantId: "other",
    }),
    CredentialUnavailableError,
    "ERR_TENANT_NOT_ALLOWED",
    /^AzureDeveloperCliCredential: /,
  );
  assert.equal(box.started(), false);
  await new AzureDeveloperCliCredential({
    tenantId: "home",
    additionallyAllowedTenants: ["other"],
    env: box.env("success"),
  }).getToken(SCOPE, { tenantId: "other" });
  assert.deepEqual(box.records()[0]?.argv?.slice(-2), ["--tenant-id", "other"]);
});

test("expiry with an offset", async (t) => {
  const box = sandbox(t);
  const token = await new AzureDeveloperCliCredential({
    env: box.env("expires-on-offset"),
  }).getToken(SCOPE);
  assert.equal(token.expiresOnTimestamp, Date.UTC(2024, 0, 1, 10));
});

test("not installed: unavailable with the install hint", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureDeveloperCliCredential({
      env: { ...box.env("success"), PATH: box.emptyDir },
    }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /^AzureDeveloperCliCredential: Azure Developer CLI could not be found\..*azd auth login/,
  );
  assert.equal(box.started(), false);
});

for (const mode of ["not-logged-in", "not-logged-in-legacy"]) {
  test(`not logged in (${mode}): unavailable, telling the user to run azd auth login`, async (t) => {
    const box = sandbox(t);
    await rejectsWith(
      new AzureDeveloperCliCredential({ env: box.env(mode) }).getToken(SCOPE),
      CredentialUnavailableError,
      "ERR_CREDENTIAL_UNAVAILABLE",
      /^AzureDeveloperCliCredential: Please run 'azd auth login'/,
    );
  });
}

test("MFA / reauthentication: unavailable with the azd auth login --scope command", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureDeveloperCliCredential({ env: box.env("mfa") }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /Run: azd auth login --scope https:\/\/management\.azure\.com\/\.default$/,
  );
});

test("other failures: AuthenticationError with azd's JSON error extracted", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureDeveloperCliCredential({ env: box.env("error") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /^AzureDeveloperCliCredential: azd exited with code 1: AADSTS70043: The refresh token has expired Authentication with Azure failed\. Run 'azd auth login' to sign in again\.$/,
  );
});

test("garbage, missing fields and bad expiry: ERR_PROCESS_OUTPUT", async (t) => {
  const box = sandbox(t);
  const cases: Array<[string, RegExp]> = [
    ["garbage", /unexpected output from Azure Developer CLI: the output was not JSON/],
    ["missing-fields", /"token" is missing/],
    ["expires-on-bad", /"expiresOn" is not an ISO 8601 time/],
    ["empty", /the output was empty/],
  ];
  for (const [mode, gist] of cases) {
    await rejectsWith(
      new AzureDeveloperCliCredential({ env: box.env(mode) }).getToken(SCOPE),
      AuthenticationError,
      "ERR_PROCESS_OUTPUT",
      gist,
    );
  }
});

test("signal, timeout, abort and oversized output", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureDeveloperCliCredential({ env: box.env("signal") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /azd was terminated by SIGTERM/,
  );
  await rejectsWith(
    new AzureDeveloperCliCredential({ env: box.env("huge") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_RESPONSE_TOO_LARGE",
    /azd wrote more output/,
  );
  await rejectsWith(
    new AzureDeveloperCliCredential({ processTimeoutInMs: 300, env: box.env("hang") }).getToken(
      SCOPE,
    ),
    AuthenticationError,
    "ERR_TIMEOUT",
    /azd did not answer within 300 ms/,
  );
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  await rejectsWith(
    new AzureDeveloperCliCredential({ env: box.env("hang") }).getToken(SCOPE, {
      abortSignal: controller.signal,
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
    const credential = new AzureDeveloperCliCredential({ env: box.env("success") });
    await rejectsWith(
      credential.getToken([SCOPE, `api://x${bad}y`]),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"scopes\[1\]"/,
    );
    await rejectsWith(
      credential.getToken(SCOPE, { tenantId: `t${bad}` }),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"options\.tenantId"/,
    );
    assert.throws(
      () => new AzureDeveloperCliCredential({ tenantId: `t${bad}` }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        /^AzureDeveloperCliCredential: "tenantId"/.test(e.message),
    );
    assert.equal(box.started(), false);
  });
}

test("constructor rejects a non-positive timeout, naming it", () => {
  assert.throws(
    () => new AzureDeveloperCliCredential({ processTimeoutInMs: 0 }),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      e.code === "ERR_INVALID_ARG_VALUE" &&
      /"processTimeoutInMs"/.test(e.message),
  );
});
