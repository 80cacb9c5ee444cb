import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  InvalidArgumentError,
  UsernamePasswordCredential,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const APP = "u0000000-0000-4000-8000-0000000000ab";
const PASSWORD = "correct-horse-battery-staple";
const SCOPE = "https://graph.microsoft.com/User.Read";

let fake: FakeEntra;

function credential(username: string, lines: string[] = []): UsernamePasswordCredential {
  return new UsernamePasswordCredential(TENANT, APP, username, PASSWORD, {
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    loggingOptions: {
      logLevel: "verbose",
      logger: (level, line) => lines.push(`${level} ${line}`),
    },
  });
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: APP, tenantId: TENANT, publicClient: true });
  fake.passwordUsers.set("ada@contoso.com", { username: "ada@contoso.com", password: PASSWORD });
  for (const requires of [50076, 50079, 50158] as const) {
    const username = `mfa${requires}@contoso.com`;
    fake.passwordUsers.set(username, { username, password: PASSWORD, requires });
  }
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("UsernamePasswordCredential", () => {
  test("posts the ROPC form, exactly, with no client authentication, and caches the token", async () => {
    const lines: string[] = [];
    const cred = credential("ada@contoso.com", lines);
    const again: string[] = [];
    credential("ada@contoso.com", again);
    assert.deepEqual(lines, [
      "warning UsernamePasswordCredential: username/password sign-in is deprecated by Microsoft and fails for accounts with multifactor authentication; move to InteractiveBrowserCredential, DeviceCodeCredential, a service principal or a managed identity.",
    ]);
    assert.deepEqual(again, [], "the deprecation warning is logged once per process");
    const token = await cred.getToken(SCOPE);
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(token.tokenType, "Bearer");
    assert.equal((await cred.getToken(SCOPE)).token, token.token);
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0]!.body.includes("client_secret"), false);
    assert.deepEqual(fake.requests[0]!.form, {
      client_id: APP,
      scope: `${SCOPE} openid profile offline_access`,
      grant_type: "password",
      username: "ada@contoso.com",
      password: PASSWORD,
      client_info: "1",
    });
    await cred.close();
  });

  for (const code of [50076, 50079, 50158]) {
    test(`AADSTS${code} says which credential to use instead, keeps Entra's details, hides the password`, async () => {
      const cred = credential(`mfa${code}@contoso.com`);
      const error = (await rejectsWith(cred.getToken(SCOPE), {
        class: AuthenticationError,
        code: "invalid_grant",
        message: new RegExp(
          `^UsernamePasswordCredential: the account needs multifactor authentication .*\\(AADSTS${code}\\).*InteractiveBrowserCredential or DeviceCodeCredential`,
        ),
      })) as AuthenticationError;
      assert.equal(error.statusCode, 400);
      assert.deepEqual(error.errorResponse.errorCodes, [code]);
      assert.match(error.errorResponse.traceId ?? "", /^[0-9a-f-]{36}$/);
      assertNoSecret(error, PASSWORD);
      await cred.close();
    });
  }

  test("a wrong password is Entra's invalid_grant, unchanged", async () => {
    const cred = credential("nobody@contoso.com");
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /^UsernamePasswordCredential: invalid_grant \(HTTP 400\): AADSTS50126/,
    });
    assertNoSecret(error, PASSWORD);
    await cred.close();
  });

  test("missing arguments are named, never echoed", () => {
    for (const [args, name] of [
      [["", APP, "u", "p"], "tenantId"],
      [[TENANT, "", "u", "p"], "clientId"],
      [[TENANT, APP, "", "p"], "username"],
      [[TENANT, APP, "u", ""], "password"],
    ] as const) {
      const [tenantId, clientId, username, password] = args;
      throwsWith(() => new UsernamePasswordCredential(tenantId, clientId, username, password), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: new RegExp(`^UsernamePasswordCredential: "${name}" is required`),
      });
    }
  });
});
