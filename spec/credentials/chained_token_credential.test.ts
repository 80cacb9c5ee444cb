import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rejectsWith, throwsWith } from "../support/assert_error.js";
import {
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  ChainedTokenCredential,
  CredentialUnavailableError,
  InvalidArgumentError,
  type AccessToken,
  type TokenCredential,
} from "../support/package.js";

const token: AccessToken = {
  token: "t",
  expiresOnTimestamp: Date.now() + 3600_000,
  tokenType: "Bearer",
};

function source(behaviour: () => Promise<AccessToken | null>): TokenCredential & { calls: number } {
  const s = {
    calls: 0,
    getToken: async () => {
      s.calls++;
      return behaviour();
    },
  };
  return s;
}

describe("ChainedTokenCredential", () => {
  test("passes over unavailable, authentication-required and null sources", async () => {
    const a = source(async () => {
      throw new CredentialUnavailableError("A: not here");
    });
    const b = source(async () => {
      throw new AuthenticationRequiredError({ scopes: ["s"] });
    });
    const c = source(async () => null);
    const d = source(async () => token);
    assert.equal(await new ChainedTokenCredential(a, b, c, d).getToken("s"), token);
    assert.deepEqual([a.calls, b.calls, c.calls, d.calls], [1, 1, 1, 1]);
  });

  test("matches unavailability by name, so errors from other copies of the library count", async () => {
    const foreign = Object.assign(new Error("foreign"), { name: "CredentialUnavailableError" });
    const chain = new ChainedTokenCredential(
      source(async () => {
        throw foreign;
      }),
      source(async () => token),
    );
    assert.equal(await chain.getToken("s"), token);
  });

  test("stops at an authentication failure", async () => {
    const failure = new AuthenticationError(401, {
      error: "invalid_client",
      error_description: "AADSTS7000215: bad secret",
    });
    const later = source(async () => token);
    const chain = new ChainedTokenCredential(
      source(async () => {
        throw failure;
      }),
      later,
    );
    await assert.rejects(chain.getToken("s"), (e) => e === failure);
    assert.equal(later.calls, 0);
  });

  test("with every source unavailable, one aggregate error lists each reason in order", async () => {
    const chain = new ChainedTokenCredential(
      source(async () => {
        throw new CredentialUnavailableError("EnvironmentCredential: not configured");
      }),
      source(async () => {
        throw new CredentialUnavailableError("AzureCliCredential: az not installed");
      }),
    );
    const error = await rejectsWith(chain.getToken("s"), {
      class: AggregateAuthenticationError,
      name: "AggregateAuthenticationError",
      code: "ERR_AGGREGATE",
      message:
        /^ChainedTokenCredential authentication failed\.\n- EnvironmentCredential: not configured\n- AzureCliCredential: az not installed$/,
    });
    assert.equal((error as AggregateAuthenticationError).errors.length, 2);
  });

  test("with only null sources it is unavailable", async () => {
    await rejectsWith(new ChainedTokenCredential(source(async () => null)).getToken("s"), {
      class: CredentialUnavailableError,
      code: "ERR_CREDENTIAL_UNAVAILABLE",
      message: /no source credential returned a token/,
    });
  });

  test("refuses a source that is not a credential", () => {
    throwsWith(() => new ChainedTokenCredential({} as TokenCredential), {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_TYPE",
      message: /source 0 is not a credential/,
    });
  });
});

describe("ChainedTokenCredential and getBearerTokenProvider against the fake Entra", () => {
  test("an unavailable source is passed over and the next credential's token comes back; the provider yields it as a string", async () => {
    const { FakeEntra } = await import("../support/fake_entra.js");
    const { TEST_TLS } = await import("../support/fixtures.js");
    const { ClientSecretCredential, getBearerTokenProvider } = await import("../../lib/index.js");
    const fake = await FakeEntra.start();
    try {
      fake.register({ clientId: "chain-app", tenantId: "chain-tenant", secret: "chain-secret" });
      const secret = new ClientSecretCredential("chain-tenant", "chain-app", "chain-secret", {
        authorityHost: fake.url,
        disableInstanceDiscovery: true,
        tlsOptions: TEST_TLS,
      });
      const chain = new ChainedTokenCredential(
        source(async () => {
          throw new CredentialUnavailableError("ManagedIdentityCredential: no endpoint");
        }),
        secret,
      );
      const token = await chain.getToken("https://vault.azure.net/.default");
      assert.equal(token.token, fake.issuedTokens.at(-1));
      assert.deepEqual(fake.tokenRequests[0]!.form, {
        client_id: "chain-app",
        scope: "https://vault.azure.net/.default",
        grant_type: "client_credentials",
        client_secret: "chain-secret",
      });
      const provide = getBearerTokenProvider(chain, "https://vault.azure.net/.default");
      const bearer = await provide();
      assert.equal(
        bearer,
        fake.issuedTokens.at(-1),
        "the provider asks for a CAE token, cached apart",
      );
      assert.deepEqual(JSON.parse(fake.tokenRequests[1]!.form.claims!), {
        access_token: { xms_cc: { values: ["cp1"] } },
      });
      assert.equal(await provide(), bearer);
      assert.equal(fake.tokenRequests.length, 2);
      await chain.close();
    } finally {
      await fake.close();
    }
  });
});
