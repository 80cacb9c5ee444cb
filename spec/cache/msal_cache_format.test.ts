import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  accessTokenKey,
  applyChanges,
  parseMsalCache,
  refreshTokenKey,
  serializeMsalCache,
} from "../../lib/cache/msal_cache_format.js";
import { TokenCacheError } from "../../lib/errors.js";
import { throwsWith } from "../support/assert_error.js";
import { Prng } from "../support/fuzz.js";

const FIXTURE = readFileSync(
  new URL("../../../fixtures/msal-cache/msal-node.json", import.meta.url),
  "utf8",
);
const formatError = (message: RegExp) => ({
  class: TokenCacheError,
  code: "ERR_CACHE_FORMAT",
  message,
});

describe("MSAL cache format (pure)", () => {
  test("keys as MSAL Python builds them, lower-cased", () => {
    const base = { homeAccountId: "U.T", environment: "Login.Microsoftonline.com", clientId: "C" };
    assert.equal(
      accessTokenKey({ ...base, realm: "T", target: "https://x/.default" }),
      "u.t-login.microsoftonline.com-accesstoken-c-t-https://x/.default",
    );
    assert.equal(
      refreshTokenKey({ ...base, target: "a b" }),
      "u.t-login.microsoftonline.com-refreshtoken-c--a b",
    );
  });

  test("bad input: typed errors with the reason", () => {
    throwsWith(() => parseMsalCache('{"AccessToken": '), formatError(/corrupt or truncated/));
    throwsWith(() => parseMsalCache("PK\u0003\u0004"), formatError(/it is not JSON/));
    throwsWith(() => parseMsalCache("null"), formatError(/not an object/));
    throwsWith(
      () => parseMsalCache('{"AccessToken": []}'),
      formatError(/"AccessToken" is not an object/),
    );
    throwsWith(() => parseMsalCache('{"Account": {"k": 1}}'), formatError(/an entry of "Account"/));
    assert.deepEqual(parseMsalCache("  ").AccessToken, {});
  });

  test("unknown sections and fields survive parse, change and serialize", () => {
    const cache = parseMsalCache(FIXTURE);
    const changed = applyChanges(cache, [
      { section: "AccessToken", key: "new", entry: { secret: "n" } },
    ]);
    const again = parseMsalCache(serializeMsalCache(changed));
    const account = Object.values(again.Account)[0]!;
    assert.ok(Array.isArray(account.tenantProfiles));
    assert.equal(account.last_modification_app, "MSAL.JS");
    assert.equal(Object.keys(again.AccessToken).length, 2);
  });

  test("fuzz: 3000 mutated caches either parse or throw TokenCacheError ERR_CACHE_FORMAT", () => {
    const random = new Prng(12);
    const bytes = Buffer.from(FIXTURE);
    for (let i = 0; i < 3000; i++) {
      const input = Buffer.from(bytes);
      const edits = 1 + random.below(4);
      for (let e = 0; e < edits; e++) input[random.below(input.length)] = random.below(256);
      const text = input
        .subarray(0, random.below(4) === 0 ? random.below(input.length) : input.length)
        .toString("utf8");
      try {
        parseMsalCache(text);
      } catch (error) {
        assert.ok(error instanceof TokenCacheError, String(error));
        assert.equal(error.code, "ERR_CACHE_FORMAT");
      }
    }
  });
});
