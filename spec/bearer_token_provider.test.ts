import assert from "node:assert/strict";
import { test } from "node:test";
import {
  getBearerTokenProvider,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from "./support/package.js";

function counting(lifetimeMs: number): TokenCredential & { calls: GetTokenOptions[] } {
  const calls: GetTokenOptions[] = [];
  return {
    calls,
    async getToken(_scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      calls.push(options ?? {});
      await new Promise((resolve) => setTimeout(resolve, 10));
      return {
        token: `token-${calls.length}`,
        expiresOnTimestamp: Date.now() + lifetimeMs,
        tokenType: "Bearer",
      };
    },
  };
}

test("getBearerTokenProvider returns the token string, keeps it, and shares concurrent requests", async () => {
  const credential = counting(3600_000);
  const provide = getBearerTokenProvider(
    credential,
    "https://cognitiveservices.azure.com/.default",
  );
  const tokens = await Promise.all([provide(), provide(), provide()]);
  assert.deepEqual(tokens, ["token-1", "token-1", "token-1"]);
  assert.equal(await provide(), "token-1");
  assert.equal(credential.calls.length, 1);
  assert.equal(credential.calls[0]!.enableCae, true);
});

test("getBearerTokenProvider refreshes in the background when the token nears expiry", async () => {
  const credential = counting(60_000);
  const provide = getBearerTokenProvider(credential, "s");
  assert.equal(await provide(), "token-1");
  assert.equal(await provide(), "token-1", "still valid: served while the refresh runs");
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(await provide(), "token-2");
});

test("getBearerTokenProvider fails when the credential returns null", async () => {
  const provide = getBearerTokenProvider({ getToken: async () => null }, "s");
  await assert.rejects(provide(), { message: "Failed to get access token" });
});
