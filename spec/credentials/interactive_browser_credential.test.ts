import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { createServer } from "node:net";
import { get, playBrowser, probePort, type PageResponse } from "../support/browser.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  InteractiveBrowserCredential,
  type InteractiveBrowserCredentialNodeOptions,
  AbortError,
  AuthenticationError,
  AuthenticationRequiredError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const DESKTOP_APP = "de5c0000-0000-4000-8000-00000000de5c";
const SCOPE = "https://graph.microsoft.com/User.Read";

let fake: FakeEntra;
type Options = InteractiveBrowserCredentialNodeOptions & Record<string, unknown>;

/** What the test browser saw. */
interface Visit {
  url: URL;
  port: number;
  loopback?: PageResponse;
}

/** A browser that signs the user in (optionally tampering with Entra's redirect) and records every visit. */
function browser(visits: Visit[], tamper?: (redirect: URL) => void) {
  return async (url: string) => {
    const parsed = new URL(url);
    const visit: Visit = {
      url: parsed,
      port: Number(new URL(parsed.searchParams.get("redirect_uri")!).port),
    };
    visits.push(visit);
    visit.loopback = (await playBrowser(url, tamper)).loopback;
    return true;
  };
}

/** A browser that opens the page and then nothing happens: the user walks away. */
function idleBrowser(visits: Visit[]) {
  return (url: string) => {
    const parsed = new URL(url);
    visits.push({
      url: parsed,
      port: Number(new URL(parsed.searchParams.get("redirect_uri")!).port),
    });
    return true;
  };
}

function credential(options: Options = {}): InteractiveBrowserCredential {
  return new InteractiveBrowserCredential({
    tenantId: TENANT,
    clientId: DESKTOP_APP,
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 5 },
    ...options,
  } as Options);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({
    clientId: DESKTOP_APP,
    tenantId: TENANT,
    publicClient: true,
    redirectUris: ["http://localhost", "http://localhost/callback"],
  });
  fake.users.user.homeTenantId = TENANT;
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe("InteractiveBrowserCredential: signing in with the browser", () => {
  test("authorize with PKCE S256 and state, loopback reply, code redeemed with the verifier, server closed", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: browser(visits) });
    const token = await cred.getToken(SCOPE);
    const q = visits[0]!.url.searchParams;
    assert.equal(visits[0]!.url.pathname, `/${TENANT}/oauth2/v2.0/authorize`);
    assert.equal(q.get("client_id"), DESKTOP_APP);
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("redirect_uri"), `http://localhost:${visits[0]!.port}`);
    assert.equal(q.get("scope"), `${SCOPE} openid profile offline_access`);
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get("state")!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(q.get("prompt"), "select_account");
    assert.equal(visits[0]!.loopback!.status, 200);
    assert.match(visits[0]!.loopback!.body, /Authentication complete/);

    const redeem = fake.tokenRequests[0]!;
    assert.deepEqual(redeem.fieldOrder, [
      "client_id",
      "scope",
      "redirect_uri",
      "grant_type",
      "code",
      "client_info",
      "code_verifier",
    ]);
    assert.equal(redeem.form.redirect_uri, q.get("redirect_uri"));
    assert.equal(
      createHash("sha256").update(redeem.form.code_verifier!).digest("base64url"),
      q.get("code_challenge"),
    );
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED", "no listening socket left");

    await cred.getToken("https://vault.azure.net/user_impersonation");
    assert.equal(visits.length, 1, "the refresh token serves new scopes without the browser");
    assert.equal(fake.tokenRequests[1]!.form.grant_type, "refresh_token");
    await cred.close();
  });

  test("concurrent getToken calls for different scopes share one sign-in", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: browser(visits) });
    const [a, b, c] = await Promise.all([
      cred.getToken(SCOPE),
      cred.getToken(SCOPE),
      cred.getToken("https://vault.azure.net/user_impersonation"),
    ]);
    assert.equal(visits.length, 1);
    assert.equal(a.token, b.token);
    assert.notEqual(a.token, c.token);
    assert.deepEqual(
      fake.tokenRequests.map((r) => r.form.grant_type),
      ["authorization_code", "refresh_token"],
    );
    await cred.close();
  });

  test("authenticate() returns the AuthenticationRecord; a loginHint asks Entra to sign that user in", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: browser(visits), loginHint: "ada@contoso.example" });
    const record = await cred.authenticate(SCOPE);
    assert.deepEqual(record, {
      authority: new URL(fake.url).host,
      homeAccountId: `${fake.users.user.objectId}.${TENANT}`,
      clientId: DESKTOP_APP,
      tenantId: TENANT,
      username: "ada@contoso.example",
      version: "1.0",
    });
    assert.equal(visits[0]!.url.searchParams.get("login_hint"), "ada@contoso.example");
    assert.equal(visits[0]!.url.searchParams.get("prompt"), "login");
    await cred.close();
  });

  test("a configured redirect URI path is used and only that path is answered", async () => {
    const visits: Visit[] = [];
    const stray: PageResponse[] = [];
    const cred = credential({
      redirectUri: "http://localhost/callback",
      openBrowser: async (url: string) => {
        const port = new URL(new URL(url).searchParams.get("redirect_uri")!).port;
        stray.push(await get(`http://127.0.0.1:${port}/favicon.ico`));
        return browser(visits)(url);
      },
    });
    await cred.getToken(SCOPE);
    assert.equal(
      visits[0]!.url.searchParams.get("redirect_uri"),
      `http://localhost:${visits[0]!.port}/callback`,
    );
    assert.equal(stray[0]!.status, 404);
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
    await cred.close();
  });

  test("with no browser to open, the URL is printed and signing in still works", async () => {
    const printed: string[] = [];
    const signIns: Array<Promise<unknown>> = [];
    const cred = credential({
      env: { PATH: "" },
      printLine: (line: string) => {
        printed.push(line);
        signIns.push(playBrowser(/open this URL: (\S+)$/.exec(line)![1]!));
      },
    });
    await cred.getToken(SCOPE);
    await Promise.all(signIns);
    assert.match(
      printed[0]!,
      /^InteractiveBrowserCredential: could not open a browser\. To sign in, open this URL: https:\/\/127\.0\.0\.1:\d+\/72f988bf/,
    );
    await cred.close();
  });

  test("disableAutomaticAuthentication: AuthenticationRequiredError until authenticate(); revoked refresh token needs it again", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: browser(visits), disableAutomaticAuthentication: true });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationRequiredError,
      code: "ERR_AUTHENTICATION_REQUIRED",
      message:
        /^InteractiveBrowserCredential: automatic authentication is disabled.*authenticate\(\)/,
    });
    assert.equal(visits.length, 0);
    await cred.authenticate(SCOPE);
    await cred.getToken("https://vault.azure.net/user_impersonation");
    fake.users.revokeRefreshTokens();
    const refreshToken = [...fake.users.refreshTokens.keys()].at(-1)!;
    const error = await rejectsWith(cred.getToken("https://storage.azure.com/user_impersonation"), {
      class: AuthenticationRequiredError,
      code: "ERR_AUTHENTICATION_REQUIRED",
      message: /automatic authentication is disabled/,
    });
    assert.match(((error.cause as Error).cause as Error).message, /invalid_grant.*AADSTS50173/);
    assertNoSecret(error, refreshToken);
    assert.equal(visits.length, 1);
    await cred.close();
  });
});

describe("InteractiveBrowserCredential: faults on the loopback", () => {
  test("a reply with another state is refused: no token request, server closed", async () => {
    const visits: Visit[] = [];
    const cred = credential({
      openBrowser: browser(visits, (redirect) =>
        redirect.searchParams.set("state", "forged-state"),
      ),
    });
    const error = await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_STATE_MISMATCH",
      message:
        /^InteractiveBrowserCredential: the sign-in reply's "state" does not match the request/,
    });
    assert.equal(visits[0]!.loopback!.status, 400);
    assert.equal(fake.tokenRequests.length, 0);
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
    assert.ok(!error.message.includes("forged-state"));
    await cred.close();
  });

  test("a second request to the loopback server after success finds it closed", async () => {
    const visits: Visit[] = [];
    let second: string | undefined;
    const cred = credential({
      openBrowser: async (url: string) => {
        const { redirect } = await playBrowser(url);
        visits.push({ url: new URL(url), port: Number(redirect.port) });
        second = await get(redirect.toString()).then(
          (r) => `HTTP ${r.status}`,
          (e: NodeJS.ErrnoException) => e.code,
        );
        return true;
      },
    });
    await cred.getToken(SCOPE);
    assert.equal(second, "ECONNREFUSED");
    assert.equal(fake.tokenRequests.length, 1, "the code was redeemed once");
    await cred.close();
  });

  test("Entra's error reply (the user cancelled) is an AuthenticationError with Entra's code", async () => {
    const visits: Visit[] = [];
    const cred = credential({
      openBrowser: browser(visits, (redirect) => {
        redirect.searchParams.delete("code");
        redirect.searchParams.set("error", "access_denied");
        redirect.searchParams.set(
          "error_description",
          "AADSTS65004: User declined to consent to access the app.",
        );
      }),
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "access_denied",
      message: /^InteractiveBrowserCredential: access_denied: AADSTS65004: User declined/,
    });
    assert.equal(fake.tokenRequests.length, 0);
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
    await cred.close();
  });

  test("the user never completes: timeout, server closed", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: idleBrowser(visits), signInTimeoutMs: 200 });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "ERR_TIMEOUT",
      message:
        /^InteractiveBrowserCredential: the user did not complete sign-in within 0 s; the loopback server was closed/,
    });
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
    assert.equal(fake.tokenRequests.length, 0);
    await cred.close();
  });

  test("abortSignal while waiting for the user: AbortError, server closed", async () => {
    const visits: Visit[] = [];
    const controller = new AbortController();
    const cred = credential({
      openBrowser: (url: string) => (
        setTimeout(() => controller.abort(), 50),
        idleBrowser(visits)(url)
      ),
    });
    await rejectsWith(cred.getToken(SCOPE, { abortSignal: controller.signal }), {
      class: AbortError,
      code: "ERR_ABORTED",
      message: /^InteractiveBrowserCredential: the operation was aborted/,
    });
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
    await cred.close();
  });

  test("close() during a sign-in cancels it and closes the loopback server", async () => {
    const visits: Visit[] = [];
    const cred = credential({ openBrowser: idleBrowser(visits) });
    const pending = cred.getToken(SCOPE);
    while (visits.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await cred.close();
    await rejectsWith(pending, {
      class: AbortError,
      code: "ERR_ABORTED",
      message: /^InteractiveBrowserCredential: the operation was aborted/,
    });
    assert.equal(await probePort(visits[0]!.port), "ECONNREFUSED");
  });

  test("a configured port that is taken is ERR_LOOPBACK_LISTEN, before any browser opens", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    const visits: Visit[] = [];
    const cred = credential({
      redirectUri: `http://localhost:${port}`,
      openBrowser: idleBrowser(visits),
    });
    await rejectsWith(cred.getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_LOOPBACK_LISTEN",
      message: new RegExp(
        `^InteractiveBrowserCredential: cannot listen on 127\\.0\\.0\\.1:${port} for the sign-in reply \\(EADDRINUSE\\)`,
      ),
    });
    assert.equal(visits.length, 0);
    await new Promise((resolve) => taken.close(resolve));
    await cred.close();
  });

  test("the code and verifier are in no message or log line", async () => {
    const lines: string[] = [];
    const visits: Visit[] = [];
    const cred = credential({
      openBrowser: browser(visits),
      loggingOptions: {
        logLevel: "verbose",
        logger: (level, message) => lines.push(`${level} ${message}`),
      },
    });
    await cred.getToken(SCOPE);
    const { code, code_verifier: verifier } = fake.tokenRequests[0]!.form;
    assert.ok(lines.length > 0);
    assert.ok(lines.every((l) => !l.includes(code!) && !l.includes(verifier!)));
    await cred.close();
  });
});

describe("InteractiveBrowserCredential: bad arguments", () => {
  for (const redirectUri of [
    "https://localhost/cb",
    "http://example.com/cb",
    "http://localhost/cb?x=1",
    "not a url",
  ]) {
    test(`redirect URI ${JSON.stringify(redirectUri)} is refused`, () => {
      throwsWith(() => credential({ redirectUri }), {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^InteractiveBrowserCredential: "redirectUri" must be http:\/\/localhost/,
      });
    });
  }
});
