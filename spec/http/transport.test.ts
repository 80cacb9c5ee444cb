import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthenticationError, InvalidArgumentError } from "../../lib/errors.js";
import { createTransport } from "../../lib/http/transport.js";
import { FakeEndpoint } from "../support/fake_endpoint.js";
import { assertNoSecret, rejectsWith, throwsWith } from "../support/assert_error.js";

test("a header value HTTP forbids used to throw from http.request: the send rejects, before and after close(), and nothing throws later", async () => {
  const endpoint = await FakeEndpoint.start();
  const transport = createTransport({ credentialName: "TestCredential", allowInsecureHttp: true });
  const crashes: unknown[] = [];
  const onCrash = (error: unknown) => crashes.push(error);
  process.on("uncaughtException", onCrash);
  try {
    for (const closed of [false, true]) {
      if (closed) transport.close();
      const request = {
        method: "GET",
        url: `${endpoint.url}/msi/token`,
        headers: { "X-IDENTITY-HEADER": "secret-header-value\r\nX-Injected: 1" },
        timeoutMs: 1000,
      } as const;
      const error = await rejectsWith(transport.send(request), {
        class: AuthenticationError,
        code: "ERR_INVALID_ARG_VALUE",
        message:
          /^TestCredential: the request to 127\.0\.0\.1:\d+ could not be built \(ERR_INVALID_CHAR\)\.$/,
      });
      assertNoSecret(error, "secret-header-value");
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(crashes, []);
    assert.equal(endpoint.requests.length, 0, "nothing reached the endpoint");
  } finally {
    process.off("uncaughtException", onCrash);
    await endpoint.close();
  }
});

test("a userAgentPrefix HTTP forbids is refused when the transport is made, named but not shown", () => {
  const error = throwsWith(
    () => createTransport({ credentialName: "TestCredential", userAgentPrefix: "app\nsecret" }),
    {
      class: InvalidArgumentError,
      code: "ERR_INVALID_ARG_VALUE",
      message: /^TestCredential: "userAgentOptions\.userAgentPrefix" holds a line break/,
    },
  );
  assertNoSecret(error, "app\nsecret");
});
