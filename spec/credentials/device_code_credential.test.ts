import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
} from "../../lib/oauth/authentication_record.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  DeviceCodeCredential,
  type DeviceCodeCredentialOptions,
  type DeviceCodeInfo,
  AbortError,
  AuthenticationError,
  AuthenticationRequiredError,
  InvalidArgumentError,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLI_APP = "de71ce00-0000-4000-8000-0000000c0de0";
const DEVELOPER_APP = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
const SCOPE = "https://management.azure.com/user_impersonation";

let fake: FakeEntra;

type Options = DeviceCodeCredentialOptions & Record<string, unknown>;

/** A user who approves at once, after `pending` polls. */
const approve = (info: DeviceCodeInfo) => fake.users.completeDeviceSignIn(info.userCode);

function credential(options: Options = {}): DeviceCodeCredential {
  return new DeviceCodeCredential({
    tenantId: TENANT,
    clientId: CLI_APP,
    userPromptCallback: approve,
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 5 },
    deviceCodePolling: { minIntervalMs: 10, slowDownStepMs: 150 },
    ...options,
  } as Options);
}

const deviceRequests = () => fake.requests.filter((r) => r.path.endsWith("/devicecode"));

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: CLI_APP, tenantId: TENANT, publicClient: true });
  fake.register({ clientId: DEVELOPER_APP, tenantId: TENANT, publicClient: true });
  fake.users.user.homeTenantId = TENANT;
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.users.devicePollScript.length = 0;
  fake.users.device = { interval: 0, expiresIn: 900 };
});

describe("DeviceCodeCredential: signing in", () => {
  test("requests a device code, shows it, polls through authorization_pending, and sends exact forms", async () => {
    const prompts: DeviceCodeInfo[] = [];
    fake.users.devicePollScript.push("authorization_pending", "authorization_pending");
    const cred = credential({ userPromptCallback: (info) => (prompts.push(info), approve(info)) });
    const token = await cred.getToken(SCOPE);
    const device = deviceRequests()[0]!;
    assert.equal(device.path, `/${TENANT}/oauth2/v2.0/devicecode`);
    assert.deepEqual(device.fieldOrder, ["client_id", "scope"]);
    assert.deepEqual(device.form, {
      client_id: CLI_APP,
      scope: `${SCOPE} openid profile offline_access`,
    });
    assert.equal(prompts.length, 1);
    assert.deepEqual(Object.keys(prompts[0]!).sort(), ["message", "userCode", "verificationUri"]);
    assert.equal(prompts[0]!.verificationUri, "https://microsoft.com/devicelogin");
    assert.match(prompts[0]!.message, new RegExp(`enter the code ${prompts[0]!.userCode}`));
    assert.equal(fake.tokenRequests.length, 3, "two pending polls, then the token");
    const poll = fake.tokenRequests[2]!;
    assert.deepEqual(poll.fieldOrder, ["client_id", "grant_type", "device_code", "client_info"]);
    assert.equal(poll.form.grant_type, "urn:ietf:params:oauth:grant-type:device_code");
    assert.equal(token.token, fake.issuedTokens.at(-1));
    await cred.close();
  });

  test("defaults: the developer client id, tenant organizations, and the message on stderr", async () => {
    const printed: string[] = [];
    const cred = credential({
      tenantId: undefined,
      clientId: undefined,
      userPromptCallback: undefined,
      printLine: (line: string) => printed.push(line),
    } as Options);
    const pending = cred.getToken(SCOPE);
    while (printed.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    fake.users.completeDeviceSignIn(/enter the code (\w+)/.exec(printed[0]!)![1]!);
    await pending;
    assert.equal(deviceRequests()[0]!.path, "/organizations/oauth2/v2.0/devicecode");
    assert.equal(deviceRequests()[0]!.form.client_id, DEVELOPER_APP);
    assert.match(
      printed[0]!,
      /^To sign in, use a web browser to open the page https:\/\/microsoft\.com\/devicelogin/,
    );
    await cred.close();
  });

  test("authenticate() returns the AuthenticationRecord; later scopes are renewed silently", async () => {
    const cred = credential();
    const record = await cred.authenticate(SCOPE);
    assert.deepEqual(record, {
      authority: new URL(fake.url).host,
      homeAccountId: `${fake.users.user.objectId}.${TENANT}`,
      clientId: CLI_APP,
      tenantId: TENANT,
      username: fake.users.user.username,
      version: "1.0",
    });
    assert.deepEqual(
      deserializeAuthenticationRecord(serializeAuthenticationRecord(record!)),
      record,
    );
    await cred.getToken(SCOPE);
    await cred.getToken("https://graph.microsoft.com/User.Read");
    assert.equal(deviceRequests().length, 1, "one sign-in");
    assert.deepEqual(
      fake.tokenRequests.map((r) => r.form.grant_type),
      ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
    );
    await cred.close();
  });

  test("slow_down makes polling wait longer", async () => {
    fake.users.devicePollScript.push("slow_down");
    const cred = credential();
    const started = Date.now();
    await cred.getToken(SCOPE);
    assert.ok(Date.now() - started >= 150, "the interval grew by the slow_down step");
    assert.equal(fake.tokenRequests.length, 2);
    await cred.close();
  });

  test("the interval Entra announces is honoured", async () => {
    fake.users.device.interval = 1;
    fake.users.devicePollScript.push("authorization_pending");
    const cred = credential();
    const started = Date.now();
    await cred.getToken(SCOPE);
    assert.ok(Date.now() - started >= 1900, "two polls, one second apart each");
    await cred.close();
  });

  test("disableAutomaticAuthentication: getToken needs authenticate() first; a revoked refresh token needs it again", async () => {
    const cred = credential({ disableAutomaticAuthentication: true });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationRequiredError,
      name: "AuthenticationRequiredError",
      code: "ERR_AUTHENTICATION_REQUIRED",
      message: /^DeviceCodeCredential: automatic authentication is disabled.*call authenticate\(\)/,
    });
    assert.deepEqual((error as AuthenticationRequiredError).scopes, [SCOPE]);
    assert.equal(fake.requests.length, 0);
    await cred.authenticate(SCOPE);
    await cred.getToken("https://graph.microsoft.com/User.Read");
    fake.users.revokeRefreshTokens();
    const revoked = await rejectsWith(cred.getToken("https://vault.azure.net/user_impersonation"), {
      class: AuthenticationRequiredError,
      code: "ERR_AUTHENTICATION_REQUIRED",
      message: /automatic authentication is disabled/,
    });
    const cause = (revoked.cause as Error).cause;
    assert.ok(
      cause instanceof AuthenticationError &&
        cause.code === "invalid_grant" &&
        /AADSTS50173/.test(cause.message),
    );
    assert.equal(deviceRequests().length, 1);
    await cred.close();
  });

  test("a revoked refresh token starts a new device sign-in when automatic authentication is on", async () => {
    const cred = credential();
    await cred.getToken(SCOPE);
    fake.users.revokeRefreshTokens();
    await cred.getToken("https://graph.microsoft.com/User.Read");
    assert.equal(deviceRequests().length, 2);
    await cred.close();
  });
});

describe("DeviceCodeCredential: the user does not finish", () => {
  test("authorization_declined stops polling, and the device code is in no message or log", async () => {
    const lines: string[] = [];
    const cred = credential({
      userPromptCallback: (info) => fake.users.completeDeviceSignIn(info.userCode, false),
      loggingOptions: {
        logLevel: "verbose",
        logger: (level, message) => lines.push(`${level} ${message}`),
      },
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "authorization_declined",
      message:
        /^DeviceCodeCredential: authorization_declined \(HTTP 400\): AADSTS70000: The user denied/,
    });
    const deviceCode = fake.tokenRequests[0]!.form.device_code!;
    assertNoSecret(error, deviceCode);
    assert.ok(lines.length > 0 && lines.every((l) => !l.includes(deviceCode)));
    assert.equal(fake.tokenRequests.length, 1);
    await cred.close();
  });

  test("Entra's expired_token stops polling", async () => {
    fake.users.devicePollScript.push("authorization_pending", "expired_token");
    const cred = credential({ userPromptCallback: () => undefined });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "expired_token",
      message: /AADSTS70020: .*This device code has expired/,
    });
    assert.equal(fake.tokenRequests.length, 2);
    await cred.close();
  });

  test("polling stops by itself when expires_in has passed", async () => {
    fake.users.device.expiresIn = 1;
    const cred = credential({
      userPromptCallback: () => undefined,
      deviceCodePolling: { minIntervalMs: 200 },
    });
    const started = Date.now();
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "expired_token",
      message:
        /^DeviceCodeCredential: the device code expired after 1 s before the user finished signing in/,
    });
    assert.ok(Date.now() - started >= 950 && Date.now() - started < 3000);
    await cred.close();
  });

  test("regression: an interval and expires_in over 2^31 ms no longer poll in a tight loop", async () => {
    fake.users.device = { interval: 3e6, expiresIn: 3e6 };
    const cred = credential({ userPromptCallback: () => undefined });
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: AbortSignal.timeout(1000) }), {
      class: AbortError,
      code: "ERR_ABORTED",
      message: /^DeviceCodeCredential: the operation was aborted/,
    });
    assert.equal(fake.tokenRequests.length, 0, "the first poll waits the 60 s cap");
    await cred.close();
  });

  test("an expires_in over an hour is polled for one hour at most", async () => {
    fake.users.device.expiresIn = 10 * 3600;
    let now = Date.now();
    const cred = credential({ now: () => now, userPromptCallback: () => void (now += 3600_000) });
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: AbortSignal.timeout(3000) }), {
      class: AuthenticationError,
      code: "expired_token",
      message: /^DeviceCodeCredential: the device code expired after 3600 s before/,
    });
    await cred.close();
  });

  test("a NaN requestOptions.timeout is refused naming it; no device code is requested", async () => {
    const cred = credential();
    await rejectsWith(cred.getToken(SCOPE, { requestOptions: { timeout: Number.NaN } }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^DeviceCodeCredential: "requestOptions\.timeout" must be a positive number/,
    });
    assert.equal(deviceRequests().length, 0);
    await cred.close();
  });

  test("abortSignal stops polling at once", async () => {
    const controller = new AbortController();
    const cred = credential({
      userPromptCallback: () => setTimeout(() => controller.abort(), 50),
      deviceCodePolling: { minIntervalMs: 20 },
    });
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: controller.signal }), {
      class: AbortError,
      code: "ERR_ABORTED",
      message: /^DeviceCodeCredential: the operation was aborted/,
    });
    const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A poll already on the wire when the abort fired may still land; one poll at most, since
    // polls are sent one after another. After that, none for ten polling intervals.
    const atAbort = fake.tokenRequests.length;
    await delay(100);
    const polls = fake.tokenRequests.length;
    assert.ok(polls - atAbort <= 1, `${polls - atAbort} polls landed after the abort`);
    await delay(200);
    assert.equal(fake.tokenRequests.length, polls, "no poll after the abort");
    await cred.close();
  });
});

describe("DeviceCodeCredential: bad arguments", () => {
  test("a malformed tenant, empty client id or a callback that is not a function are refused", () => {
    throwsWith(() => new DeviceCodeCredential({ tenantId: "no spaces allowed" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^DeviceCodeCredential: "tenantId"/,
    });
    throwsWith(() => new DeviceCodeCredential({ clientId: "" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /"clientId" is required/,
    });
    throwsWith(
      () => new DeviceCodeCredential({ userPromptCallback: "print" as unknown as () => void }),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_TYPE",
        message: /"userPromptCallback" must be a function/,
      },
    );
  });
});
