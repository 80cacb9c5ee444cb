import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyJwt } from "../support/jwt_check.js";
import { runInNetns } from "../support/netns.js";
import { realToolUnavailableReason, scenarioPath } from "../support/real_tools.js";
import type { SeenRequest } from "./scenarios/common.js";

const unavailable = realToolUnavailableReason(["/usr/bin/az", "/usr/bin/python3"]);

test("the real az, signed in to the emulator as a custom cloud, gives AzureCliCredential a token, offline", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const run = await runInNetns([process.execPath, scenarioPath("azure_cli")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    timeoutMs: 300_000,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    azureCliVersion: string;
    steps: Array<{ step: string; exitCode: number | null; ms: number; stderr: string }>;
    token: { token: string; expiresOnTimestamp: number } | { error: string };
    credentialMs: number;
    authorityHost: string;
    tenantId: string;
    clientId: string;
    jwks: { keys: Array<Record<string, unknown>> };
    requests: SeenRequest[];
    arm: Array<{ method: string; path: string; aud?: string }>;
  };
  for (const step of report.steps)
    assert.equal(step.exitCode, 0, `az ${step.step}: ${step.stderr}`);
  assert.deepEqual(
    report.steps.map((step) => step.step),
    ["cloud register", "cloud set", "login"],
  );
  assert.ok("token" in report.token, `AzureCliCredential: ${JSON.stringify(report.token)}`);
  const claims = verifyJwt(report.token.token, report.jwks);
  assert.equal(typeof claims, "object", `token refused: ${String(claims)}`);
  const payload = claims as Record<string, unknown>;
  assert.equal(payload.aud, "https://vault.azure.net");
  assert.equal(payload.appid, report.clientId);
  assert.equal(payload.tid, report.tenantId);
  assert.ok(report.token.expiresOnTimestamp > Date.now());

  // az asked login.microsoftonline.com for instance discovery of login.emulator.test: the
  // emulator's proxy tunnelled both names to it (and refuses any other host).
  const discovery = report.requests.find((r) => r.path === "/common/discovery/instance");
  assert.equal(discovery?.host, "login.microsoftonline.com");
  assert.equal(
    discovery?.query?.authorization_endpoint,
    `https://login.emulator.test/${report.tenantId}/oauth2/v2.0/authorize`,
  );
  const tokens = report.requests.filter((r) => r.path === `/${report.tenantId}/oauth2/v2.0/token`);
  // az signed in with the certificate: each grant carries an assertion signed by MSAL Python.
  assert.ok(tokens.length >= 2, JSON.stringify(report.requests));
  for (const request of tokens) {
    assert.equal(request.grantType, "client_credentials");
    assert.ok(
      request.fields.includes("client_assertion") && !request.fields.includes("client_secret"),
    );
  }
  assert.deepEqual(
    report.arm.map((r) => `${r.method} ${r.path}`),
    ["GET /subscriptions"],
  );
  t.diagnostic(
    `az ${report.azureCliVersion}: ${report.steps.map((s) => `${s.step} ${s.ms} ms`).join(", ")}; AzureCliCredential.getToken ${report.credentialMs} ms; whole run ${run.ms} ms`,
  );
});
