/**
 * Run by msal_python.test.ts inside a loopback-only network namespace: starts the emulator,
 * registers an application, lets Debian's MSAL Python (`/usr/bin/python3`, python3-msal) acquire
 * a client-credentials token, and reports the token, the JWKS and the requests the emulator saw.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startEntraEmulator } from "../../../lib/testing/index.js";
import { fixturePath } from "../../support/fixtures.js";
import { runCollecting } from "../../support/netns.js";
import { report, summarise, temporaryDirectory } from "./common.js";

const dir = temporaryDirectory("msal-python");
const emulator = await startEntraEmulator();
try {
  const app = emulator.registerApplication({ clientSecret: "msal-python-secret-Qx7" });
  const caFile = join(dir.path, "emulator-ca.pem");
  writeFileSync(caFile, emulator.caCertificate);
  const run = await runCollecting(
    ["/usr/bin/python3", fixturePath("real/msal_client_credentials.py")],
    {
      env: {
        PATH: "/usr/bin:/bin",
        HOME: dir.path,
        REQUESTS_CA_BUNDLE: caFile,
        PYTHONDONTWRITEBYTECODE: "1",
      },
      input: JSON.stringify({
        authority: `${emulator.authorityHost}/${app.tenantId}`,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        scope: "https://graph.microsoft.com/.default",
      }),
      timeoutMs: 60_000,
    },
  );
  report({
    exitCode: run.exitCode,
    stderr: run.stderr.slice(-2000),
    ms: run.ms,
    python: run.exitCode === 0 ? JSON.parse(run.stdout) : run.stdout,
    authorityHost: emulator.authorityHost,
    tenantId: app.tenantId,
    clientId: app.clientId,
    jwks: emulator.jwks,
    requests: summarise(emulator.requests),
  });
} finally {
  await emulator.close();
  dir.remove();
}
