// `npm run demo`: entra-zero getting real tokens from a local Entra emulator, no Azure account
// needed. It imports the package by name, as your code would.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  getBearerTokenProvider,
} from "entra-zero";
import { createClientCertificate, createPkcs12, startEntraEmulator } from "entra-zero/testing";

const emulator = await startEntraEmulator();
const work = mkdtempSync(join(tmpdir(), "entra-zero-demo-"));
try {
  // The directory: an app with a secret, one with a certificate, a managed identity.
  const secretApp = emulator.registerApplication({ clientSecret: "demo-client-secret" });
  const cert = createClientCertificate("entra-zero demo");
  const certApp = emulator.registerApplication({ certificates: [cert.certificate] });
  emulator.registerManagedIdentity();
  const pemPath = join(work, "app.pem");
  writeFileSync(pemPath, cert.certificate + cert.privateKey, { mode: 0o600 });
  const pfxPath = join(work, "app.pfx");
  writeFileSync(pfxPath, createPkcs12(cert.certificate, cert.privateKey, "demo-pfx-password"), {
    mode: 0o600,
  });

  // A fake `az` on PATH: it gets its token from the emulator, as the real one gets it from Entra.
  writeFileSync(join(work, "az"), fakeAz(emulator, secretApp), { mode: 0o700 });
  chmodSync(join(work, "az"), 0o700);
  process.env.PATH = `${work}${delimiter}${process.env.PATH ?? ""}`;
  // What a CI job or an App Service would set: the app's variables and the identity endpoint.
  Object.assign(process.env, emulator.env(secretApp));

  const options = emulator.credentialOptions();
  const secretCredential = new ClientSecretCredential(
    secretApp.tenantId,
    secretApp.clientId,
    secretApp.clientSecret,
    options,
  );
  const rows = [];
  const measure = async (name, getToken) => {
    const before = emulator.requests.length;
    const started = performance.now();
    const token = await getToken();
    const ms = performance.now() - started;
    rows.push({ name, requests: emulator.requests.length - before, ms, claims: claimsOf(token) });
  };
  const GRAPH = "https://graph.microsoft.com/.default";
  const VAULT = "https://vault.azure.net/.default";
  await measure(
    "ClientSecretCredential",
    async () => (await secretCredential.getToken(GRAPH)).token,
  );
  await measure(
    "ClientCertificateCredential (PEM)",
    async () =>
      (
        await new ClientCertificateCredential(
          certApp.tenantId,
          certApp.clientId,
          pemPath,
          options,
        ).getToken(VAULT)
      ).token,
  );
  await measure(
    "ClientCertificateCredential (PFX)",
    async () =>
      (
        await new ClientCertificateCredential(
          certApp.tenantId,
          certApp.clientId,
          { certificatePath: pfxPath, certificatePassword: "demo-pfx-password" },
          options,
        ).getToken(VAULT)
      ).token,
  );
  await measure(
    "ManagedIdentityCredential",
    async () => (await new ManagedIdentityCredential().getToken(VAULT)).token,
  );
  await measure(
    "AzureCliCredential",
    async () =>
      (await new AzureCliCredential().getToken("https://management.azure.com/.default")).token,
  );
  await measure(
    "DefaultAzureCredential",
    async () => (await new DefaultAzureCredential(options).getToken(GRAPH)).token,
  );
  await measure("getBearerTokenProvider", () =>
    getBearerTokenProvider(secretCredential, "https://storage.azure.com/.default")(),
  );

  console.log(`entra-zero demo: a local Entra emulator at ${emulator.authorityHost}\n`);
  const header = ["credential", "requests", "time", "aud", "appid", "exp"];
  const table = rows.map((r) => [
    r.name,
    String(r.requests),
    `${r.ms.toFixed(0)} ms`,
    r.claims.aud,
    r.claims.appid,
    new Date(r.claims.exp * 1000).toISOString().replace(".000", ""),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  for (const row of [header, ...table])
    console.log(
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join("  ")
        .trimEnd(),
    );

  let before = emulator.requests.length;
  let started = performance.now();
  await secretCredential.getToken(GRAPH);
  console.log(
    `\ncache hit: ${emulator.requests.length - before} requests, ${(performance.now() - started).toFixed(2)} ms`,
  );
  const fresh = new ClientSecretCredential(
    secretApp.tenantId,
    secretApp.clientId,
    secretApp.clientSecret,
    options,
  );
  before = emulator.requests.length;
  started = performance.now();
  await Promise.all(Array.from({ length: 100 }, () => fresh.getToken(VAULT)));
  console.log(
    `100 concurrent getToken calls: ${emulator.requests.length - before} request, ${(performance.now() - started).toFixed(0)} ms`,
  );
} finally {
  await emulator.close();
  rmSync(work, { recursive: true, force: true });
}

function claimsOf(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

/** A CommonJS `az` answering `account get-access-token` with a token from the emulator. */
function fakeAz(emulator, app) {
  const settings = {
    tokenEndpoint: `${emulator.authorityHost}/${app.tenantId}/oauth2/v2.0/token`,
    ca: emulator.caCertificate,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    tenantId: app.tenantId,
  };
  return `#!${process.execPath}
"use strict";
const settings = ${JSON.stringify(settings)};
const args = process.argv.slice(2);
if (args[0] !== "account" || args[1] !== "get-access-token") {
  process.stderr.write("fake az: only 'az account get-access-token' is known\\n");
  process.exit(2);
}
const resource = args[args.indexOf("--resource") + 1];
const body = new URLSearchParams({
  client_id: settings.clientId,
  client_secret: settings.clientSecret,
  grant_type: "client_credentials",
  scope: resource + "/.default",
}).toString();
const req = require("node:https").request(
  settings.tokenEndpoint,
  { method: "POST", ca: settings.ca, headers: { "Content-Type": "application/x-www-form-urlencoded" } },
  (res) => {
    let text = "";
    res.on("data", (c) => (text += c));
    res.on("end", () => {
      const reply = JSON.parse(text);
      if (!reply.access_token) {
        process.stderr.write("ERROR: " + (reply.error_description || text) + "\\n");
        process.exit(1);
      }
      const expires = Math.floor(Date.now() / 1000) + reply.expires_in;
      process.stdout.write(JSON.stringify({
        accessToken: reply.access_token,
        expiresOn: new Date(expires * 1000).toISOString().replace("T", " ").slice(0, 19),
        expires_on: expires,
        subscription: "00000000-0000-0000-0000-000000000000",
        tenant: settings.tenantId,
        tokenType: "Bearer",
      }, null, 2) + "\\n");
    });
  },
);
req.on("error", (e) => { process.stderr.write("ERROR: " + e.message + "\\n"); process.exit(1); });
req.end(body);
`;
}
