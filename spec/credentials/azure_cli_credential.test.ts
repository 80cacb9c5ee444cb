import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fakeCliSandbox,
  isRunning,
  rejectsWith,
  waitGone,
  type FakeCliSandbox,
} from "../support/fake_cli.js";
import {
  AzureCliCredential,
  AbortError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

const SCOPE = "https://management.azure.com/.default";
const BASE_ARGV = [
  "account",
  "get-access-token",
  "--output",
  "json",
  "--resource",
  "https://management.azure.com",
];

function sandbox(t: { after(fn: () => void): void }): FakeCliSandbox {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  return box;
}

test("success: exact argv, no-colour env, token from expires_on, Bearer", async (t) => {
  const box = sandbox(t);
  const credential = new AzureCliCredential({ env: box.env("success") });
  const token = await credential.getToken(SCOPE);
  const { expiresOnTimestamp, ...rest } = token;
  assert.deepEqual(rest, { token: "fake-az-token", tokenType: "Bearer" });
  // The fake tool answers an hour ahead, as real tools do.
  assert.ok(Math.abs(expiresOnTimestamp - Date.now() - 3600_000) < 60_000);
  const [call] = box.records();
  assert.deepEqual(call?.argv, BASE_ARGV);
  assert.equal(call?.env?.AZURE_CORE_NO_COLOR, "true");
  assert.equal("signRequest" in credential, false);
});

test("tenantId and subscription options become --tenant and --subscription, in that order", async (t) => {
  const box = sandbox(t);
  const credential = new AzureCliCredential({
    tenantId: "contoso.onmicrosoft.com",
    subscription: "My Sub-1",
    env: box.env("success"),
  });
  await credential.getToken("https://vault.azure.net/.default");
  assert.deepEqual(box.records()[0]?.argv, [
    "account",
    "get-access-token",
    "--output",
    "json",
    "--resource",
    "https://vault.azure.net",
    "--tenant",
    "contoso.onmicrosoft.com",
    "--subscription",
    "My Sub-1",
  ]);
});

test("a scope without /.default is passed as the resource unchanged", async (t) => {
  const box = sandbox(t);
  await new AzureCliCredential({ env: box.env("success") }).getToken("api://my-app");
  assert.deepEqual(box.records()[0]?.argv?.slice(4), ["--resource", "api://my-app"]);
});

test("per-call tenantId: used when no tenant is configured, refused when not allowed, used when allowed", async (t) => {
  const box = sandbox(t);
  await new AzureCliCredential({ env: box.env("success") }).getToken(SCOPE, {
    tenantId: "other-tenant",
  });
  assert.deepEqual(box.records()[0]?.argv?.slice(6), ["--tenant", "other-tenant"]);

  const strict = new AzureCliCredential({ tenantId: "home", env: box.env("success") });
  await rejectsWith(
    strict.getToken(SCOPE, { tenantId: "other-tenant" }),
    CredentialUnavailableError,
    "ERR_TENANT_NOT_ALLOWED",
    /^AzureCliCredential: .*additionallyAllowedTenants/,
  );
  assert.equal(box.records().length, 1, "no process for a refused tenant");

  await new AzureCliCredential({
    tenantId: "home",
    additionallyAllowedTenants: ["*"],
    env: box.env("success"),
  }).getToken(SCOPE, { tenantId: "other-tenant" });
  assert.deepEqual(box.records()[1]?.argv?.slice(6), ["--tenant", "other-tenant"]);
});

test("more than one scope is a clear argument error and starts nothing", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("success") }).getToken([
      SCOPE,
      "https://vault.azure.net/.default",
    ]),
    InvalidArgumentError,
    "ERR_INVALID_ARG_VALUE",
    /^AzureCliCredential: "scopes" must hold exactly one scope/,
  );
  assert.equal(box.started(), false);
});

test("claims: unavailable, with the az login command to run, and nothing started", async (t) => {
  const box = sandbox(t);
  const claims = '{"access_token":{"nbf":{"essential":true}}}';
  const b64 = Buffer.from(claims).toString("base64");
  await rejectsWith(
    new AzureCliCredential({ env: box.env("success") }).getToken(SCOPE, { claims, tenantId: "t2" }),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    new RegExp(
      `^AzureCliCredential: .*az login --claims-challenge ${b64.replace(/[+/=]/g, "\\$&")} --scope ${SCOPE} --tenant t2$`,
    ),
  );
  assert.equal(box.started(), false);
});

test("not installed (PATH holds only an empty directory): unavailable with the install hint", async (t) => {
  const box = sandbox(t);
  const credential = new AzureCliCredential({ env: { ...box.env("success"), PATH: box.emptyDir } });
  await rejectsWith(
    credential.getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /^AzureCliCredential: Azure CLI could not be found\. .*aka\.ms\/azure-cli.*az login/,
  );
  assert.equal(box.started(), false);
});

test("exit code 127 from a wrapper is also 'not installed'", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("not-found-127") }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /Azure CLI could not be found/,
  );
});

test("not logged in: unavailable, telling the user to run az login", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("not-logged-in") }).getToken(SCOPE),
    CredentialUnavailableError,
    "ERR_CREDENTIAL_UNAVAILABLE",
    /^AzureCliCredential: Please run 'az login'/,
  );
});

test("other failures: AuthenticationError with trimmed, redacted stderr", async (t) => {
  const box = sandbox(t);
  const error = await rejectsWith(
    new AzureCliCredential({ env: box.env("error") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /^AzureCliCredential: az exited with code 1: WARNING: something\nERROR: AADSTS70043: The refresh token has expired\. Token \[REDACTED\] leaked$/,
  );
  assert.equal(error.statusCode, 0);
  assert.equal(error.name, "AuthenticationError");
});

test("death by signal is a failure that names the signal", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("signal") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_FAILED",
    /^AzureCliCredential: az was terminated by SIGTERM\.$/,
  );
});

test("garbage output: ERR_PROCESS_OUTPUT saying it was not JSON", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("garbage") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_OUTPUT",
    /^AzureCliCredential: unexpected output from Azure CLI: the output was not JSON/,
  );
});

test("missing fields: ERR_PROCESS_OUTPUT naming the field", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("missing-fields") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_OUTPUT",
    /"accessToken" is missing/,
  );
});

const expiryCases: Array<[string, () => number]> = [
  ["expires-on-local", () => new Date(2024, 0, 1, 12, 0, 0).getTime()],
  ["expires-on-local-no-fraction", () => new Date(2024, 0, 1, 12, 0, 0).getTime()],
  ["expires-on-both", () => Date.UTC(2024, 0, 1, 12)],
  ["expires-on-epoch-string", () => Date.UTC(2024, 0, 1, 12)],
];

for (const [mode, expected] of expiryCases) {
  test(`expiry from az output form ${mode}`, async (t) => {
    const box = sandbox(t);
    const token = await new AzureCliCredential({ env: box.env(mode) }).getToken(SCOPE);
    assert.equal(token.expiresOnTimestamp, expected());
  });
}

test("an unreadable expiresOn is ERR_PROCESS_OUTPUT", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("expires-on-bad") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_PROCESS_OUTPUT",
    /"expiresOn" is not a time/,
  );
});

test("timeout: ERR_TIMEOUT, and az and its child are gone afterwards", async (t) => {
  const box = sandbox(t);
  const started = Date.now();
  await rejectsWith(
    new AzureCliCredential({ processTimeoutInMs: 500, env: box.env("hang") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_TIMEOUT",
    /^AzureCliCredential: az did not answer within 500 ms/,
  );
  console.log(
    `# AzureCliCredential timeout: rejected ${Date.now() - started - 500} ms after the 500 ms deadline`,
  );
  const records = box.records();
  const pid = records[0]?.pid;
  const grandchild = records.find((r) => r.grandchild)?.grandchild;
  assert.ok(pid && grandchild);
  assert.equal(isRunning(pid), false);
  assert.equal(await waitGone(grandchild, 1000), true);
});

test("abortSignal kills az and rejects with AbortError ERR_ABORTED", async (t) => {
  const box = sandbox(t);
  const controller = new AbortController();
  // Abort once the fake az has started its grandchild (a fixed delay lost the race under load).
  const started = setInterval(() => {
    if (box.records().some((r) => r.grandchild)) {
      clearInterval(started);
      controller.abort();
    }
  }, 20);
  t.after(() => clearInterval(started));
  await rejectsWith(
    new AzureCliCredential({ env: box.env("hang") }).getToken(SCOPE, {
      abortSignal: controller.signal,
    }),
    AbortError,
    "ERR_ABORTED",
    /^AzureCliCredential: the request was aborted/,
  );
  const grandchild = box.records().find((r) => r.grandchild)?.grandchild;
  assert.ok(grandchild);
  assert.equal(await waitGone(grandchild, 1000), true);
});

test("close() stops an in-flight az; the credential still works afterwards", async (t) => {
  const box = sandbox(t);
  const credential = new AzureCliCredential({ env: box.env("hang") });
  const pending = credential.getToken(SCOPE);
  await new Promise((r) => setTimeout(r, 300));
  await credential.close();
  await rejectsWith(pending, AbortError, "ERR_ABORTED", /aborted/);
  await credential[Symbol.asyncDispose]();
});

test("stdout over the cap: ERR_RESPONSE_TOO_LARGE", async (t) => {
  const box = sandbox(t);
  await rejectsWith(
    new AzureCliCredential({ env: box.env("huge") }).getToken(SCOPE),
    AuthenticationError,
    "ERR_RESPONSE_TOO_LARGE",
    /^AzureCliCredential: az wrote more output/,
  );
});

const injections = [";", "&&", "`", "$()", "'", '"', "\n", "%"];

for (const bad of injections) {
  test(`injection ${JSON.stringify(bad)} in scope, tenant and subscription is refused and starts nothing`, async (t) => {
    const box = sandbox(t);
    const env = box.env("success");
    const credential = new AzureCliCredential({ env });
    await rejectsWith(
      credential.getToken(`https://x${bad}y/.default`),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"scopes\[0\]"/,
    );
    await rejectsWith(
      credential.getToken(SCOPE, { tenantId: `t${bad}calc` }),
      InvalidArgumentError,
      "ERR_INVALID_ARG_VALUE",
      /"options\.tenantId"/,
    );
    assert.throws(
      () => new AzureCliCredential({ env, tenantId: `t${bad}x` }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.code === "ERR_INVALID_ARG_VALUE" &&
        /"tenantId"/.test(e.message),
    );
    assert.throws(
      () => new AzureCliCredential({ env, subscription: `s${bad}x` }),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        /"subscription"/.test(e.message) &&
        !e.message.includes(`s${bad}x`),
    );
    assert.equal(box.started(), false, "the fake's record file does not exist");
  });
}

test("constructor argument mistakes name the argument", () => {
  const cases: Array<[object, RegExp]> = [
    [{ tenantId: "" }, /"tenantId"/],
    [{ subscription: "a/b" }, /"subscription"/],
    [{ processTimeoutInMs: 0 }, /"processTimeoutInMs"/],
    [{ processTimeoutInMs: -5 }, /"processTimeoutInMs"/],
  ];
  for (const [options, gist] of cases) {
    assert.throws(
      () => new AzureCliCredential(options),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.name === "TypeError" &&
        e.code === "ERR_INVALID_ARG_VALUE" &&
        /^AzureCliCredential: /.test(e.message) &&
        gist.test(e.message),
    );
  }
});

test("without the env option, PATH and variables are read from process.env at call time", async (t) => {
  const box = sandbox(t);
  const credential = new AzureCliCredential();
  const saved = { ...process.env };
  t.after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  Object.assign(process.env, box.env("success"));
  assert.equal((await credential.getToken(SCOPE)).token, "fake-az-token");
  assert.equal(box.records().length, 1);
});
