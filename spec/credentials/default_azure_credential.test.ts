import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import type { LogLevel } from "../../lib/types.js";
import { FakeEndpoint, tokenReply } from "../support/fake_endpoint.js";
import { FakeEntra } from "../support/fake_entra.js";
import { fakeCliSandbox, type FakeCliSandbox } from "../support/fake_cli.js";
import { FEDERATION_CERTIFICATE, federatedToken } from "../support/federated_token.js";
import { TEST_TLS } from "../support/fixtures.js";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import { ConnectProxy } from "../support/connect_proxy.js";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
  DefaultAzureCredential,
  type DefaultAzureCredentialClientIdOptions,
} from "../support/package.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const SP = "dac00000-0000-4000-8000-0000000000sp";
const WI = "dac00000-0000-4000-8000-0000000000w1";
const SECRET = "dac-secret-value-0123456789";
const SCOPE = "https://management.azure.com/.default";

let entra: FakeEntra;
let mi: FakeEndpoint;
let silent: FakeEndpoint;
let closedPort: string;
let box: FakeCliSandbox;
let dir: string;

async function freeClosedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A DAC over the fakes: Entra at the fake, IMDS at `imdsHost` (never the real address), tools per `env.PATH`. */
function dac(
  env: NodeJS.ProcessEnv,
  options: Record<string, unknown> = {},
  lines: string[] = [],
): DefaultAzureCredential {
  return new DefaultAzureCredential({
    authorityHost: entra.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { retryDelayInMs: 1, maxRetries: 1 },
    loggingOptions: {
      logLevel: "verbose",
      logger: (level: LogLevel, message: string) => lines.push(`${level} ${message}`),
    },
    env,
    imdsHost: closedPort,
    ...options,
  } as DefaultAzureCredentialClientIdOptions);
}

const noTools = () => ({ PATH: box.emptyDir });

before(async () => {
  entra = await FakeEntra.start();
  entra.register({ clientId: SP, tenantId: TENANT, secret: SECRET });
  entra.register({ clientId: WI, tenantId: TENANT, certificates: [FEDERATION_CERTIFICATE] });
  mi = await FakeEndpoint.start();
  silent = await FakeEndpoint.start({ fallback: { hang: true } });
  closedPort = await freeClosedPort();
  box = fakeCliSandbox();
  dir = mkdtempSync(join(tmpdir(), "entra-zero-dac-"));
});
after(async () => {
  assert.deepEqual([...entra.unexpected, ...mi.unexpected], []);
  await Promise.all([entra.close(), mi.close(), silent.close()]);
  box.dispose();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  entra.requests.length = 0;
  mi.reset();
});

describe("DefaultAzureCredential picks the right credential for each environment", () => {
  const tokenFile = () => {
    const file = join(dir, "wi-token");
    writeFileSync(file, federatedToken(WI, entra.tokenEndpoint(TENANT)));
    return file;
  };
  const table: Array<{
    name: string;
    env: () => NodeJS.ProcessEnv;
    options?: () => Record<string, unknown>;
    member: string;
    token: () => string;
    prepare?: () => void;
  }> = [
    {
      name: "service principal in the environment",
      env: () => ({
        ...noTools(),
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: SP,
        AZURE_CLIENT_SECRET: SECRET,
      }),
      member: "EnvironmentCredential",
      token: () => entra.issuedTokens.at(-1)!,
    },
    {
      name: "AKS workload identity",
      env: () => ({
        ...noTools(),
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: WI,
        AZURE_FEDERATED_TOKEN_FILE: tokenFile(),
      }),
      member: "WorkloadIdentityCredential",
      token: () => entra.issuedTokens.at(-1)!,
    },
    {
      name: "App Service",
      env: () => ({ ...noTools(), IDENTITY_ENDPOINT: `${mi.url}/msi/token`, IDENTITY_HEADER: "h" }),
      member: "ManagedIdentityCredential",
      token: () => "app-service-token",
      prepare: () => mi.replies.push(tokenReply("app-service-token")),
    },
    {
      name: "Azure VM (IMDS answers the probe)",
      env: noTools,
      options: () => ({ imdsHost: mi.url }),
      member: "ManagedIdentityCredential",
      token: () => "vm-token",
      prepare: () => mi.replies.push({ status: 400, body: {} }, tokenReply("vm-token")),
    },
    {
      name: "developer machine with az logged in",
      env: () => box.env("success"),
      member: "AzureCliCredential",
      token: () => "fake-az-token",
    },
    {
      name: "only azd (other tools excluded)",
      env: () => box.env("success"),
      options: () => ({ excludeAzureCliCredential: true, excludeAzurePowerShellCredential: true }),
      member: "AzureDeveloperCliCredential",
      token: () => "fake-azd-token",
    },
    {
      name: "AZURE_TOKEN_CREDENTIALS=AzurePowerShellCredential",
      env: () => box.env("success", { AZURE_TOKEN_CREDENTIALS: "AzurePowerShellCredential" }),
      member: "AzurePowerShellCredential",
      token: () => "fake-pwsh-token",
    },
  ];
  for (const row of table) {
    test(row.name, async () => {
      row.prepare?.();
      const lines: string[] = [];
      const cred = dac(row.env(), row.options?.() ?? {}, lines);
      const token = await cred.getToken(SCOPE);
      assert.equal(token.token, row.token());
      assert.ok(
        lines.includes(
          `info DefaultAzureCredential: getToken succeeded with ${row.member}; later calls use it directly`,
        ),
        lines.join("\n"),
      );
      await cred.close();
    });
  }

  test("once a credential has succeeded, later calls go to it directly", async () => {
    const lines: string[] = [];
    const cred = dac(
      {
        ...noTools(),
        IDENTITY_ENDPOINT: `${mi.url}/msi/token`,
        IDENTITY_HEADER: "h",
        AZURE_CLIENT_ID: "uami",
      },
      {},
      lines,
    );
    mi.replies.push(tokenReply("first"), tokenReply("second"));
    await cred.getToken(SCOPE);
    assert.equal((await cred.getToken("https://vault.azure.net/.default")).token, "second");
    assert.deepEqual(
      lines.filter((l) => l.includes("trying")),
      [
        "verbose DefaultAzureCredential: trying EnvironmentCredential",
        "verbose DefaultAzureCredential: trying WorkloadIdentityCredential",
        "verbose DefaultAzureCredential: trying ManagedIdentityCredential",
      ],
    );
    assert.equal(
      mi.requests[0]!.query.client_id,
      "uami",
      "AZURE_CLIENT_ID selects the user-assigned identity",
    );
    await cred.close();
  });

  test("managedIdentityResourceId reaches the managed identity request", async () => {
    const cred = dac(
      { ...noTools(), IDENTITY_ENDPOINT: `${mi.url}/msi/token`, IDENTITY_HEADER: "h" },
      { managedIdentityResourceId: "/subscriptions/s/uami" },
    );
    mi.replies.push(tokenReply("t"));
    await cred.getToken(SCOPE);
    assert.equal(mi.requests[0]!.query.mi_res_id, "/subscriptions/s/uami");
    await cred.close();
  });

  test("AZURE_TOKEN_CREDENTIALS=managedidentitycredential: managed identity alone, without the IMDS probe", async () => {
    const cred = dac(
      { ...noTools(), AZURE_TOKEN_CREDENTIALS: " managedidentitycredential " },
      { imdsHost: mi.url },
    );
    mi.replies.push(tokenReply("no-probe"));
    assert.equal((await cred.getToken(SCOPE)).token, "no-probe");
    assert.equal(mi.requests.length, 1);
    assert.equal(mi.requests[0]!.headers.metadata, "true");
    await cred.close();
  });
});

describe("DefaultAzureCredential passes every documented option to its members", () => {
  let proxy: ConnectProxy;
  before(async () => {
    proxy = await ConnectProxy.start();
  });
  after(() => proxy.close());
  const OTHER_TENANT = "a0000000-0000-4000-8000-0000000000t2";
  const sp = () => ({
    ...noTools(),
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: SP,
    AZURE_CLIENT_SECRET: SECRET,
  });
  const workload = (env: NodeJS.ProcessEnv = {}) => {
    const file = join(dir, "wi-token-options");
    writeFileSync(file, federatedToken(WI, entra.tokenEndpoint(TENANT)));
    return { ...noTools(), AZURE_FEDERATED_TOKEN_FILE: file, ...env };
  };
  const table: Array<{
    option: string;
    member: string;
    env: () => NodeJS.ProcessEnv;
    options: () => Record<string, unknown>;
    getTokenOptions?: Record<string, unknown>;
    check: () => void;
  }> = [
    {
      option: "proxyOptions",
      member: "EnvironmentCredential",
      env: sp,
      options: () => ({ proxyOptions: { host: "http://127.0.0.1", port: proxy.port } }),
      check: () =>
        assert.deepEqual(
          proxy.tunnels.map((t) => t.target),
          [new URL(entra.url).host],
        ),
    },
    {
      option: "proxyOptions",
      member: "WorkloadIdentityCredential",
      env: () => workload({ AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: WI }),
      // A user name gives these settings a pool of their own: the case above left a warm tunnel
      // in the shared pool, which would carry this request without a new CONNECT.
      options: () => ({
        proxyOptions: { host: "http://127.0.0.1", port: proxy.port, username: "workload" },
      }),
      check: () =>
        assert.deepEqual(
          proxy.tunnels.map((t) => t.target),
          [new URL(entra.url).host],
        ),
    },
    {
      option: "userAgentOptions",
      member: "EnvironmentCredential",
      env: sp,
      options: () => ({ userAgentOptions: { userAgentPrefix: "my-app/1.0" } }),
      check: () => assert.match(String(entra.requests[0]!.headers["user-agent"]), /^my-app\/1\.0 /),
    },
    {
      option: "additionallyAllowedTenants",
      member: "EnvironmentCredential",
      env: sp,
      options: () => ({ additionallyAllowedTenants: [OTHER_TENANT] }),
      getTokenOptions: { tenantId: OTHER_TENANT },
      check: () => assert.equal(entra.requests[0]!.path, `/${OTHER_TENANT}/oauth2/v2.0/token`),
    },
    {
      option: "tenantId and workloadIdentityClientId",
      member: "WorkloadIdentityCredential",
      env: () => workload(),
      options: () => ({ tenantId: TENANT, workloadIdentityClientId: WI }),
      check: () => {
        assert.equal(entra.requests[0]!.path, `/${TENANT}/oauth2/v2.0/token`);
        assert.equal(entra.requests[0]!.form.client_id, WI);
      },
    },
    {
      option: "managedIdentityClientId",
      member: "ManagedIdentityCredential",
      env: () => ({ ...noTools(), IDENTITY_ENDPOINT: `${mi.url}/msi/token`, IDENTITY_HEADER: "h" }),
      options: () => ({ managedIdentityClientId: "uami-from-option" }),
      check: () => assert.equal(mi.requests[0]!.query.client_id, "uami-from-option"),
    },
    {
      option: "tenantId and processTimeoutInMs",
      member: "AzureCliCredential",
      env: () => box.env("success"),
      options: () => ({ tenantId: TENANT, processTimeoutInMs: 7000 }),
      check: () => {
        const argv = box
          .records()
          .filter((r) => r.tool === "az")
          .at(-1)!.argv!;
        assert.equal(argv[argv.indexOf("--tenant") + 1], TENANT);
      },
    },
  ];
  for (const row of table) {
    test(`${row.option} reaches ${row.member}`, async () => {
      proxy.tunnels.length = 0;
      mi.replies.push(tokenReply("mi-token"));
      entra.register({
        clientId: SP,
        tenantId: TENANT,
        secret: SECRET,
        tenants: [OTHER_TENANT],
      });
      const lines: string[] = [];
      const cred = dac(row.env(), row.options(), lines);
      await cred.getToken(SCOPE, row.getTokenOptions);
      assert.ok(
        lines.includes(
          `info DefaultAzureCredential: getToken succeeded with ${row.member}; later calls use it directly`,
        ),
        lines.join("\n"),
      );
      row.check();
      await cred.close();
    });
  }

  test("a processTimeoutInMs too short for the tool reaches it: the tool is stopped", async () => {
    const cred = dac(box.env("hang"), { processTimeoutInMs: 300 });
    await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /AzureCliCredential: .*300 ms/,
    });
    await cred.close();
  });
});

describe("DefaultAzureCredential: failures", () => {
  test("nothing available (no IMDS answering): the aggregated reasons, in under 3 s", async () => {
    const cred = dac(noTools(), { imdsHost: silent.url });
    const started = performance.now();
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /^DefaultAzureCredential: no credential in the chain could get a token/,
    })) as AggregateAuthenticationError;
    const elapsed = performance.now() - started;
    console.log(
      `# DefaultAzureCredential "nothing available" failed after ${Math.round(elapsed)} ms`,
    );
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.ok(elapsed >= 900, "the 1 s IMDS probe timeout was exercised");
    const lines = error.message.split("\n").slice(1);
    assert.deepEqual(
      lines.map((l) => /^- (\w+):/.exec(l)?.[1]),
      [
        "EnvironmentCredential",
        "WorkloadIdentityCredential",
        "ManagedIdentityCredential",
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
      ],
    );
    assert.match(
      error.message,
      /ManagedIdentityCredential: the IMDS endpoint is not available \(no response to a 1000 ms probe\)/,
    );
    assert.match(error.message, /AzureCliCredential: Azure CLI could not be found/);
    assert.ok(error.errors.every((e) => e instanceof CredentialUnavailableError));
    await cred.close();
  });

  for (const [path, env, options] of [
    ["the IMDS probe refused", () => ({}), {}],
    ["the IMDS probe unanswered", () => ({}), () => ({ imdsHost: silent.url })],
    ["pod identity refused", () => ({ AZURE_POD_IDENTITY_AUTHORITY_HOST: closedPort }), {}],
    [
      "App Service variables left behind",
      () => ({ IDENTITY_ENDPOINT: `${closedPort}/msi/token`, IDENTITY_HEADER: "left-behind" }),
      {},
    ],
    [
      "Azure Arc variables left behind",
      () => ({
        IDENTITY_ENDPOINT: `${closedPort}/metadata/identity/oauth2/token`,
        IMDS_ENDPOINT: closedPort,
      }),
      {},
    ],
  ] as const) {
    test(`nothing available (${path}), default retries: fails in under 3 s, not after 16-22 s of retries`, async () => {
      const extra = typeof options === "function" ? options() : options;
      const cred = dac({ ...noTools(), ...env() }, { retryOptions: undefined, ...extra });
      const started = performance.now();
      const error = (await rejectsWith(cred.getToken(SCOPE), {
        class: AggregateAuthenticationError,
        code: "ERR_AGGREGATE",
        message: /^DefaultAzureCredential: no credential in the chain could get a token/,
      })) as AggregateAuthenticationError;
      const elapsed = performance.now() - started;
      console.log(
        `# DefaultAzureCredential, nothing available (${path}): ${Math.round(elapsed)} ms`,
      );
      assert.ok(elapsed < 3000, `took ${elapsed} ms`);
      assert.ok(error.errors.every((e) => e instanceof CredentialUnavailableError));
      assert.match(error.message, /- ManagedIdentityCredential: /);
      await cred.close();
    });
  }

  test("developer-tool failures are unavailable inside the chain, which goes on", async () => {
    const cred = dac(box.env("error"));
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /AzureCliCredential: az exited with code 1/,
    })) as AggregateAuthenticationError;
    const cli = error.errors[4] as CredentialUnavailableError;
    assert.ok(cli instanceof CredentialUnavailableError);
    assert.equal(cli.code, "ERR_PROCESS_FAILED");
    assert.equal(error.errors.length, 7);
    await cred.close();
  });

  test("a service principal from the environment that Entra refuses stops the chain", async () => {
    const own = fakeCliSandbox();
    const cred = dac(
      own.env("success", {
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: SP,
        AZURE_CLIENT_SECRET: "wrong-secret-0000",
      }),
    );
    await rejectsWith(cred.getToken(SCOPE), {
      class: AuthenticationError,
      code: "invalid_client",
      message: /^EnvironmentCredential: .*AADSTS7000215/,
    });
    assert.equal(own.started(), false, "no developer tool was run");
    own.dispose();
    await cred.close();
  });

  test("AZURE_TOKEN_CREDENTIALS=prod: only the three production credentials are tried", async () => {
    const cred = dac(box.env("success", { AZURE_TOKEN_CREDENTIALS: "PROD" }));
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /ManagedIdentityCredential/,
    })) as AggregateAuthenticationError;
    assert.equal(error.errors.length, 3);
    await cred.close();
  });

  test("AZURE_TOKEN_CREDENTIALS=dev: managed identity is not tried", async () => {
    const cred = dac(
      box.env("not-logged-in", {
        AZURE_TOKEN_CREDENTIALS: "dev",
        IDENTITY_ENDPOINT: `${mi.url}/msi/token`,
        IDENTITY_HEADER: "h",
      }),
    );
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /AzureCliCredential/,
    })) as AggregateAuthenticationError;
    assert.equal(mi.requests.length, 0);
    assert.deepEqual(
      error.message
        .split("\n")
        .slice(1)
        .map((l) => /^- (\w+):/.exec(l)?.[1]),
      [
        "SharedTokenCacheCredential",
        "AzureCliCredential",
        "AzurePowerShellCredential",
        "AzureDeveloperCliCredential",
      ],
    );
    await cred.close();
  });

  test("an invalid AZURE_TOKEN_CREDENTIALS is a clear error at construction", () => {
    throwsWith(() => dac({ AZURE_TOKEN_CREDENTIALS: "everything" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message:
        /invalid value for AZURE_TOKEN_CREDENTIALS = "everything". Valid values are "prod", "dev" or one of EnvironmentCredential, .*AzureDeveloperCliCredential/,
    });
  });

  test("requiredEnvVars not set: clear error at construction", () => {
    throwsWith(
      () =>
        dac({ AZURE_CLIENT_ID: "x" }, { requiredEnvVars: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID"] }),
      {
        class: CredentialUnavailableError,
        code: "ERR_CREDENTIAL_UNAVAILABLE",
        message: /required environment variable\(s\) AZURE_TENANT_ID not set/,
      },
    );
  });

  test("a userAgentPrefix beyond Latin-1 made every member fail later: refused at construction", () => {
    throwsWith(() => dac({}, { userAgentOptions: { userAgentPrefix: "app \u{1F680}" } }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message:
        /^DefaultAzureCredential: "userAgentOptions\.userAgentPrefix" holds a line break, a control character or a character beyond Latin-1/,
    });
  });

  test("both managed-identity ids: argument error", () => {
    throwsWith(() => dac({}, { managedIdentityClientId: "a", managedIdentityResourceId: "/b" }), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /not both/,
    });
  });

  test("exclude flags for credentials that do not exist yet are accepted", async () => {
    const cred = dac(noTools(), {
      excludeSharedTokenCacheCredential: true,
      excludeVisualStudioCodeCredential: true,
      excludeInteractiveBrowserCredential: true,
      excludeManagedIdentityCredential: true,
    });
    const error = (await rejectsWith(cred.getToken(SCOPE), {
      class: AggregateAuthenticationError,
      code: "ERR_AGGREGATE",
      message: /AzureDeveloperCliCredential/,
    })) as AggregateAuthenticationError;
    assert.equal(error.errors.length, 5);
    await cred.close();
  });
});
