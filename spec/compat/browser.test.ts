import assert from "node:assert/strict";
import { test } from "node:test";
import { verifyJwt } from "../support/jwt_check.js";
import { runInNetns } from "../support/netns.js";
import { realToolUnavailableReason, scenarioPath } from "../support/real_tools.js";
import type { SeenRequest } from "./scenarios/common.js";

const unavailable = realToolUnavailableReason(["/usr/bin/chromium", "/usr/bin/xdg-open"]);

test("InteractiveBrowserCredential signs in through the emulator's page in headless Chromium, offline", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const run = await runInNetns([process.execPath, scenarioPath("browser")], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    timeoutMs: 150_000,
  });
  assert.equal(run.exitCode, 0, run.stderr);
  const report = JSON.parse(run.stdout) as {
    token: { token: string } | { error: string };
    ms: number;
    tenantId: string;
    clientId: string;
    username: string;
    jwks: { keys: Array<Record<string, unknown>> };
    requests: SeenRequest[];
    chromium: Array<Record<string, unknown>>;
  };
  const log = JSON.stringify(report.chromium);
  assert.ok("token" in report.token, `${JSON.stringify(report.token)}; Chromium: ${log}`);
  const claims = verifyJwt(report.token.token, report.jwks);
  assert.equal(typeof claims, "object", `token refused: ${String(claims)}`);
  const payload = claims as Record<string, unknown>;
  assert.equal(payload.aud, "https://graph.microsoft.com");
  assert.equal(payload.scp, "User.Read");
  assert.equal(payload.tid, report.tenantId);
  assert.equal(payload.appid, report.clientId);
  assert.equal(payload.upn, report.username);

  // Chromium fetched the page and posted the form; our credential redeemed the code with PKCE.
  const authorize = `/${report.tenantId}/oauth2/v2.0/authorize`;
  // (Chromium also asks for /favicon.ico, which the emulator answers 404.)
  const pages = report.requests.filter((r) => r.path !== "/favicon.ico");
  assert.deepEqual(
    pages.slice(0, 2).map((r) => `${r.method} ${r.path}`),
    [`GET ${authorize}`, `POST ${authorize}`],
  );
  for (const request of pages.slice(0, 2))
    assert.match(request.userAgent ?? "", /HeadlessChrome|Chrome\//);
  const token = report.requests.find((r) => r.path === `/${report.tenantId}/oauth2/v2.0/token`);
  assert.equal(token?.grantType, "authorization_code");
  assert.ok(token?.fields.includes("code_verifier"));
  const events = report.chromium.map((line) => line.event);
  assert.ok(events.includes("redirected"), log);
  assert.ok(
    report.chromium.some((line) => line.event === "sign-in-page" && line.outcome === "clicked"),
    log,
  );
  t.diagnostic(`Chromium sign-in to token: ${report.ms} ms (namespace run ${run.ms} ms)`);
});
