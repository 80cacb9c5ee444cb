/**
 * Run by azure_cli.test.ts inside a loopback-only network namespace. Starts the emulator and a
 * fake Resource Manager; registers the emulator as a custom cloud in a fresh AZURE_CONFIG_DIR;
 * signs the real `az` in as a service principal (with a certificate); then lets our
 * AzureCliCredential get a token through `az account get-access-token`. `HTTPS_PROXY` is the
 * emulator's routing proxy (`emulator.httpsProxy`), which tunnels login.microsoftonline.com (where
 * az's MSAL asks for instance discovery) and the emulator's other host names to it and refuses
 * every other host. Reports each step's time and output, the token, the JWKS, and what the
 * emulator and the fake ARM saw.
 *
 * @module
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startEntraEmulator } from "../../../lib/testing/index.js";
import { FakeArm } from "../../support/fake_arm.js";
import { fixturePath, readFixture } from "../../support/fixtures.js";
import { runCollecting } from "../../support/netns.js";
import { report, summarise, temporaryDirectory } from "./common.js";
import { AzureCliCredential } from "../../support/package.js";

const CLOUD = "EntraZeroEmulator";

/** The version of the installed Azure CLI, read from its package (running `az version` would go online). */
function azureCliVersion(): string {
  const source = readFileSync("/usr/lib/python3/dist-packages/azure/cli/core/__init__.py", "utf8");
  return /^__version__ = "([^"]+)"/m.exec(source)?.[1] ?? "0";
}

/** versionCheck.json saying the update check ran just now, so az does not look online. */
function versionCheck(version: string): string {
  const now = new Date().toISOString().replace("T", " ").replace("Z", "000");
  return JSON.stringify({
    versions: { "azure-cli": { local: version }, core: { local: version } },
    update_time: now,
  });
}

const dir = temporaryDirectory("azure-cli");
// az reaches the emulator as https://login.emulator.test, the cloud's AD endpoint, through the
// proxy: MSAL Python drops the port of the authority when it asks for instance discovery, so the
// authority must be a host on 443. The certificate names it (and login.microsoftonline.com).
const AD_HOST = "login.emulator.test";
const emulator = await startEntraEmulator({ hostnames: [AD_HOST] });
const arm = await FakeArm.start();
const steps: Array<{ step: string; exitCode: number | null; ms: number; stderr: string }> = [];
try {
  // Signed in with a certificate: az's MSAL signs a client assertion the emulator verifies, and
  // no secret goes on az's command line.
  const app = emulator.registerApplication({ certificates: [readFixture("certs/cert_only.pem")] });
  const configDir = join(dir.path, "azure");
  mkdirSync(configDir);
  const version = azureCliVersion();
  writeFileSync(join(configDir, "versionCheck.json"), versionCheck(version));
  const caBundle = join(dir.path, "ca-bundle.pem");
  writeFileSync(caBundle, `${emulator.caCertificate}\n${readFixture("tls/ca.pem")}`);
  const env = {
    PATH: "/usr/bin:/bin",
    HOME: dir.path,
    AZURE_CONFIG_DIR: configDir,
    AZURE_CORE_COLLECT_TELEMETRY: "false",
    AZURE_CORE_SURVEY_MESSAGE: "false",
    AZURE_CORE_NO_COLOR: "true",
    REQUESTS_CA_BUNDLE: caBundle,
    HTTPS_PROXY: emulator.httpsProxy,
    NO_PROXY: "127.0.0.1,localhost",
  };
  const az = async (step: string, args: string[]): Promise<boolean> => {
    const run = await runCollecting(["az", ...args], { env, timeoutMs: 120_000 });
    steps.push({ step, exitCode: run.exitCode, ms: run.ms, stderr: run.stderr.slice(-3000) });
    return run.exitCode === 0;
  };
  const ok =
    (await az("cloud register", [
      "cloud",
      "register",
      "--name",
      CLOUD,
      "--endpoint-active-directory",
      `https://${AD_HOST}`,
      "--endpoint-active-directory-resource-id",
      "https://management.core.windows.net/",
      "--endpoint-resource-manager",
      `${arm.url}/`,
      "--endpoint-active-directory-graph-resource-id",
      "https://graph.windows.net/",
    ])) &&
    (await az("cloud set", ["cloud", "set", "--name", CLOUD])) &&
    (await az("login", [
      "login",
      "--service-principal",
      "--username",
      app.clientId,
      "--password",
      fixturePath("certs/cert.pem"),
      "--tenant",
      app.tenantId,
      "--allow-no-subscriptions",
      "--output",
      "none",
    ]));
  let token: { token: string; expiresOnTimestamp: number } | { error: string } = {
    error: "az was not signed in",
  };
  let credentialMs = 0;
  if (ok) {
    Object.assign(process.env, env);
    const credential = new AzureCliCredential({ processTimeoutInMs: 120_000 });
    const started = performance.now();
    token = await credential
      .getToken("https://vault.azure.net/.default")
      .catch((error: unknown) => ({ error: String(error) }));
    credentialMs = Math.round(performance.now() - started);
  }
  report({
    azureCliVersion: version,
    steps,
    token,
    credentialMs,
    authorityHost: emulator.authorityHost,
    tenantId: app.tenantId,
    clientId: app.clientId,
    jwks: emulator.jwks,
    requests: summarise(emulator.requests),
    arm: arm.requests.map((request) => ({
      method: request.method,
      path: request.path,
      aud: request.token?.aud,
    })),
  });
} finally {
  await arm.close();
  await emulator.close();
  dir.remove();
}
