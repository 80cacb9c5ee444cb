import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { isProxyBypassed, resolveProxy } from "../../lib/http/proxy.js";
import { ConnectProxy } from "../support/connect_proxy.js";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  ClientSecretCredential,
  InvalidArgumentError,
  type ClientSecretCredentialOptions,
} from "../support/package.js";

describe("proxy settings", () => {
  test("proxyOptions win over the environment; credentials become Basic authorization", () => {
    assert.deepEqual(
      resolveProxy(
        "C",
        { host: "http://proxy.corp", port: 3128, username: "u", password: "p" },
        { HTTPS_PROXY: "http://other:1" },
      ),
      {
        hostname: "proxy.corp",
        port: 3128,
        authorization: `Basic ${Buffer.from("u:p").toString("base64")}`,
      },
    );
  });
  const envCases: Array<
    [string, Record<string, string>, { hostname: string; port: number } | undefined]
  > = [
    ["none", {}, undefined],
    ["HTTPS_PROXY", { HTTPS_PROXY: "http://p:8080" }, { hostname: "p", port: 8080 }],
    [
      "HTTPS_PROXY before HTTP_PROXY",
      { HTTP_PROXY: "http://h:1", HTTPS_PROXY: "http://s:2" },
      { hostname: "s", port: 2 },
    ],
    ["lower case", { https_proxy: "http://l:3" }, { hostname: "l", port: 3 }],
    [
      "no scheme, default port",
      { HTTPS_PROXY: "proxy.corp" },
      { hostname: "proxy.corp", port: 80 },
    ],
  ];
  for (const [name, env, expected] of envCases)
    test(`environment: ${name}`, () =>
      assert.deepEqual(resolveProxy("C", undefined, env), expected));
  test("user:password in the URL", () => {
    assert.equal(
      resolveProxy("C", undefined, { HTTPS_PROXY: "http://u%40x:p%3Aw@p:1" })?.authorization,
      `Basic ${Buffer.from("u@x:p:w").toString("base64")}`,
    );
  });
  test("an https:// proxy is refused clearly, without echoing credentials", () => {
    const error = throwsWith(
      () =>
        new ClientSecretCredential("proxy-tenant", "proxy-client", "proxy-secret", {
          env: { HTTPS_PROXY: "https://user:hunter22@p:1" },
        } as ClientSecretCredentialOptions),
      {
        class: InvalidArgumentError,
        code: "ERR_INVALID_ARG_VALUE",
        message: /^ClientSecretCredential: only http:\/\/ proxies are supported/,
      },
    );
    assertNoSecret(error, "hunter22");
  });
  const bypass: Array<[string, string, number, boolean]> = [
    ["", "login.microsoftonline.com", 443, false],
    ["*", "anything", 443, true],
    ["microsoftonline.com", "login.microsoftonline.com", 443, true],
    [".microsoftonline.com", "login.microsoftonline.com", 443, true],
    ["microsoftonline.com", "notmicrosoftonline.com", 443, false],
    ["localhost,127.0.0.1", "127.0.0.1", 8443, true],
    ["127.0.0.1:9999", "127.0.0.1", 8443, false],
    ["127.0.0.1:8443", "127.0.0.1", 8443, true],
    ["169.254.169.254 login.microsoftonline.us", "login.microsoftonline.us", 443, true],
  ];
  for (const [noProxy, host, port, expected] of bypass) {
    test(`NO_PROXY=${JSON.stringify(noProxy)} ${host}:${port} → ${expected ? "direct" : "proxied"}`, () =>
      assert.equal(isProxyBypassed(host, port, { NO_PROXY: noProxy }), expected));
  }
});

describe("token requests through a CONNECT proxy", () => {
  let fake: FakeEntra;
  let proxy: ConnectProxy;
  const make = (options: ClientSecretCredentialOptions & Record<string, unknown>) =>
    new ClientSecretCredential("proxy-tenant", "proxy-client", "proxy-secret", {
      authorityHost: fake.url,
      disableInstanceDiscovery: true,
      tlsOptions: TEST_TLS,
      retryOptions: { maxRetries: 0 },
      ...options,
    });

  before(async () => {
    fake = await FakeEntra.start();
    fake.register({ clientId: "proxy-client", tenantId: "proxy-tenant", secret: "proxy-secret" });
    proxy = await ConnectProxy.start();
  });
  after(async () => {
    await proxy.close();
    await fake.close();
  });

  test("proxyOptions tunnel the request; TLS runs end to end to the authority", async () => {
    const cred = make({ proxyOptions: { host: "http://127.0.0.1", port: proxy.port } });
    const token = await cred.getToken("https://vault.azure.net/.default");
    assert.equal(token.token, fake.issuedTokens.at(-1));
    assert.deepEqual(proxy.tunnels.at(-1), { target: new URL(fake.url).host });
    await cred.close();
  });

  test("HTTPS_PROXY from the environment, with NO_PROXY exempting the host", async () => {
    const before = proxy.tunnels.length;
    // A user in the URL gives these settings a pool of their own: the tunnel of the test above
    // is still warm in the shared pool and would carry the request without a new CONNECT.
    const envProxy = `http://env-user:env-pass@127.0.0.1:${proxy.port}`;
    const viaEnv = make({ env: { HTTPS_PROXY: envProxy } });
    await viaEnv.getToken("https://vault.azure.net/.default");
    assert.equal(proxy.tunnels.length, before + 1);
    const exempt = make({
      env: { HTTPS_PROXY: envProxy, NO_PROXY: "127.0.0.1" },
    });
    await exempt.getToken("https://vault.azure.net/.default");
    assert.equal(proxy.tunnels.length, before + 1);
    await viaEnv.close();
    await exempt.close();
  });

  test("a proxy demanding credentials gets them; a refusal is ERR_PROXY without the password", async () => {
    proxy.requiredAuthorization = `Basic ${Buffer.from("alice:pr0xy-pass").toString("base64")}`;
    const good = make({
      proxyOptions: {
        host: "http://127.0.0.1",
        port: proxy.port,
        username: "alice",
        password: "pr0xy-pass",
      },
    });
    await good.getToken("https://vault.azure.net/.default");
    const bad = make({
      proxyOptions: {
        host: "http://127.0.0.1",
        port: proxy.port,
        username: "alice",
        password: "wrong-pass",
      },
    });
    const error = await rejectsWith(bad.getToken("https://vault.azure.net/.default"), {
      class: AuthenticationError,
      code: "ERR_PROXY",
      message: /the proxy 127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:\d+ \(HTTP 407\)/,
    });
    assertNoSecret(error, "wrong-pass");
    proxy.requiredAuthorization = undefined;
    await good.close();
    await bad.close();
  });
});
