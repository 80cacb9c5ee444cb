import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyJwt } from "../support/jwt_check.js";
import { runInNetns } from "../support/netns.js";
import { realToolUnavailableReason, scenarioPath } from "../support/real_tools.js";
import type { SeenRequest } from "./scenarios/common.js";

const unavailable = realToolUnavailableReason(["/usr/bin/python3"], {
  argv: ["/usr/bin/python3", "-c", "import msal"],
  what: "MSAL Python (python3-msal)",
});

test("MSAL Python's ConfidentialClientApplication gets a client-credentials token from the emulator, offline", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const run = await runInNetns([process.execPath, scenarioPath("msal_python")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    timeoutMs: 90_000,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    exitCode: number;
    stderr: string;
    ms: number;
    python: { msal_version: string; access_token?: string; token_type?: string; error?: string };
    authorityHost: string;
    tenantId: string;
    clientId: string;
    jwks: { keys: Array<Record<string, unknown>> };
    requests: SeenRequest[];
  };
  assert.equal(report.exitCode, 0, report.stderr);
  assert.equal(report.python.error, null, JSON.stringify(report.python));
  assert.equal(report.python.token_type, "Bearer");
  const claims = verifyJwt(report.python.access_token ?? "", report.jwks);
  assert.equal(typeof claims, "object", `token refused: ${String(claims)}`);
  const payload = claims as Record<string, unknown>;
  assert.equal(payload.aud, "https://graph.microsoft.com");
  assert.equal(payload.appid, report.clientId);
  assert.equal(payload.tid, report.tenantId);
  assert.equal(payload.iss, `${report.authorityHost}/${report.tenantId}/v2.0`);
  // MSAL reads the tenant's OIDC document, then posts the grant with client_info=1.
  const seen = report.requests.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(seen, [
    `GET /${report.tenantId}/v2.0/.well-known/openid-configuration`,
    `POST /${report.tenantId}/oauth2/v2.0/token`,
  ]);
  const token = report.requests[1]!;
  assert.equal(token.grantType, "client_credentials");
  assert.equal(token.clientInfo, "1");
  assert.match(token.userAgent ?? "", /python-requests/);
  t.diagnostic(
    `MSAL Python ${report.python.msal_version}: token in ${report.ms} ms (namespace run ${run.ms} ms)`,
  );
});
