import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { FakeEntra } from "../support/fake_entra.js";
import { TEST_TLS } from "../support/fixtures.js";
import { rejectsWith } from "../support/assert_error.js";
import { CacheSandbox } from "../cache/cache_sandbox.js";
import {
  CredentialUnavailableError,
  VisualStudioCodeCredential,
  cachePersistencePlugin,
  useIdentityPlugin,
} from "../support/package.js";

useIdentityPlugin(cachePersistencePlugin);

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const VSCODE_APP = "aebc6443-996d-45c2-90f0-388ff96faa56";
const OID = "00000000-0000-4000-8000-0000000000ad";
const SCOPE = "https://management.azure.com/.default";

let fake: FakeEntra;
let box: CacheSandbox;

const record = {
  authority: "login.microsoftonline.com",
  homeAccountId: `${OID}.${TENANT}`,
  clientId: VSCODE_APP,
  tenantId: TENANT,
  username: "ada@contoso.example",
  version: "1.0",
};

function writeRecord(): void {
  const dir = join(box.home, ".azure", "ms-azuretools.vscode-azureresourcegroups");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "authRecord.json"), JSON.stringify(record));
}

function credential(env: NodeJS.ProcessEnv = box.fakeEnv()): VisualStudioCodeCredential {
  return new VisualStudioCodeCredential({
    authorityHost: fake.url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { maxRetries: 0 },
    env,
  } as ConstructorParameters<typeof VisualStudioCodeCredential>[0]);
}

before(async () => {
  fake = await FakeEntra.start();
  fake.register({ clientId: VSCODE_APP, tenantId: TENANT, publicClient: true });
  fake.users.user.homeTenantId = TENANT;
});
after(async () => {
  assert.deepEqual(fake.unexpected, []);
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  box = new CacheSandbox();
});
afterEach(() => box.dispose());

describe("VisualStudioCodeCredential", () => {
  test("not signed in: unavailable, saying what to use instead", async () => {
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message:
        /has no Azure sign-in this package can read .*AzureCliCredential .*InteractiveBrowserCredential with tokenCachePersistenceOptions/,
    });
  });

  test("signed in behind the broker, no refresh token reachable: unavailable, naming the account", async () => {
    writeRecord();
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message:
        /Visual Studio Code is signed in as ada@contoso\.example \(tenant 72f988bf-86f1-41af-91ab-2d7cd011db47\), but its tokens are held by the operating system's authentication broker.*AzureCliCredential/,
    });
    assert.equal(fake.requests.length, 0);
  });

  test("the account's refresh token in the persistent cache: a silent token, tenant from the azure.tenant setting", async () => {
    writeRecord();
    const settings = join(box.home, ".config", "Code", "User");
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, "settings.json"),
      `{\n  // VS Code allows comments\n  "azure.tenant": "${TENANT}",\n  "azure.cloud": "AzureCloud",\n}\n`,
    );
    fake.users.refreshTokens.set("vscode-rt", {
      clientId: VSCODE_APP,
      live: true,
      user: fake.users.user,
    });
    const home = `${OID}.${TENANT}`;
    mkdirSync(box.cacheDir, { recursive: true, mode: 0o700 });
    writeFileSync(
      join(box.cacheDir, "msal.cache.nocae"),
      JSON.stringify({
        Account: {
          a: {
            home_account_id: home,
            environment: "127.0.0.1",
            realm: TENANT,
            username: record.username,
          },
        },
        RefreshToken: {
          r: {
            home_account_id: home,
            environment: "127.0.0.1",
            client_id: VSCODE_APP,
            secret: "vscode-rt",
            credential_type: "RefreshToken",
          },
        },
      }),
      { mode: 0o600 },
    );
    const token = await credential().getToken(SCOPE);
    assert.ok(token.token);
    assert.equal(fake.requests[0]!.path, `/${TENANT}/oauth2/v2.0/token`);
    assert.equal(fake.requests[0]!.form.client_id, VSCODE_APP);
    assert.equal(fake.requests[0]!.form.refresh_token, "vscode-rt");
  });

  test("the legacy Azure Account extension's Secret Service entry (fake secret-tool)", async () => {
    fake.users.refreshTokens.set("legacy-rt", {
      clientId: VSCODE_APP,
      live: true,
      user: fake.users.user,
    });
    writeFileSync(
      join(box.fakeState, "store.json"),
      JSON.stringify({ "secret:account=AzureCloud&service=VS Code Azure": "legacy-rt" }),
    );
    const vscode = credential(box.fakeEnv("ok", { DBUS_SESSION_BUS_ADDRESS: "unix:path=/fake" }));
    const [token, ...others] = await Promise.all([1, 2, 3].map(() => vscode.getToken(SCOPE)));
    assert.ok(token!.token);
    assert.equal(fake.requests.length, 1, "concurrent calls share one redemption");
    assert.equal(fake.requests[0]!.path, "/organizations/oauth2/v2.0/token");
    assert.equal(fake.requests[0]!.form.refresh_token, "legacy-rt");
    assert.deepEqual(
      others.map((t) => t.token),
      [token!.token, token!.token],
    );
    assert.equal((await vscode.getToken(SCOPE)).token, token!.token, "then held in memory");
    assert.equal(fake.requests.length, 1);
  });

  test("an unknown azure.cloud setting and an ADFS tenant are unavailable", async () => {
    const settings = join(box.home, ".config", "Code", "User");
    mkdirSync(settings, { recursive: true });
    writeFileSync(
      join(settings, "settings.json"),
      `{"azure.cloud": "Mars", "azure.tenant": "adfs"}`,
    );
    await rejectsWith(credential().getToken(SCOPE), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message: /ADFS tenants are not supported/,
    });
    writeFileSync(join(settings, "settings.json"), `{"azure.cloud": "Mars"}`);
    await rejectsWith(
      new VisualStudioCodeCredential({ env: box.fakeEnv() } as ConstructorParameters<
        typeof VisualStudioCodeCredential
      >[0]).getToken(SCOPE),
      {
        class: CredentialUnavailableError,
        code: "ERR_CREDENTIAL_UNAVAILABLE",
        message: /azure\.cloud = "Mars" is not a known cloud/,
      },
    );
  });
});
