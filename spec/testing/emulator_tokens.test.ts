import assert from "node:assert/strict";
import { createPublicKey, verify } from "node:crypto";
import { get } from "node:https";
import { after, before, describe, test } from "node:test";
import { startEntraEmulator, type EntraEmulator } from "../../lib/testing/index.js";
import { ClientSecretCredential, ManagedIdentityCredential } from "../support/package.js";

let emulator: EntraEmulator;

function getJson(url: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    get(url, { ca: emulator.caCertificate }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
    }).on("error", reject);
  });
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

before(async () => {
  emulator = await startEntraEmulator();
});
after(async () => {
  await emulator.close();
});

describe("entra-zero/testing: tokens", () => {
  test("an access token validates against the JWKS of the OIDC document, with node:crypto only", async () => {
    const app = emulator.registerApplication({
      clientSecret: "jwks-test-secret",
      roles: ["Data.Read"],
    });
    const credential = new ClientSecretCredential(
      app.tenantId,
      app.clientId,
      app.clientSecret!,
      emulator.credentialOptions(),
    );
    const { token } = await credential.getToken("api://my-api/.default");
    const oidc = await getJson(
      `${emulator.authorityHost}/${app.tenantId}/v2.0/.well-known/openid-configuration`,
    );
    const jwks = (await getJson(String(oidc.jwks_uri))) as { keys: Record<string, string>[] };
    const [headerPart, payloadPart, signaturePart] = token.split(".");
    const header = JSON.parse(Buffer.from(headerPart!, "base64url").toString("utf8"));
    assert.equal(header.alg, "RS256");
    const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
    const key = createPublicKey({ key: jwk, format: "jwk" });
    assert.ok(
      verify(
        "sha256",
        Buffer.from(`${headerPart}.${payloadPart}`),
        key,
        Buffer.from(signaturePart!, "base64url"),
      ),
    );
    const claims = claimsOf(token);
    assert.equal(claims.iss, oidc.issuer);
    assert.equal(claims.aud, "api://my-api");
    assert.equal(claims.tid, app.tenantId);
    assert.equal(claims.appid, app.clientId);
    assert.equal(claims.oid, app.objectId);
    assert.deepEqual(claims.roles, ["Data.Read"]);
    assert.ok((claims.exp as number) > Date.now() / 1000 + 3000);
    assert.deepEqual(emulator.jwks, jwks);
  });

  test("CAE: a token asked with enableCae carries xms_cc", async () => {
    const app = emulator.registerApplication({ clientSecret: "cae-test-secret" });
    const credential = new ClientSecretCredential(
      app.tenantId,
      app.clientId,
      app.clientSecret!,
      emulator.credentialOptions(),
    );
    const { token } = await credential.getToken("https://vault.azure.net/.default", {
      enableCae: true,
    });
    assert.deepEqual(claimsOf(token).xms_cc, ["cp1"]);
  });

  test("failNext: a 503 with Retry-After is retried, and the request after it succeeds", async () => {
    const app = emulator.registerApplication({ clientSecret: "retry-test-secret" });
    const credential = new ClientSecretCredential(app.tenantId, app.clientId, app.clientSecret!, {
      ...emulator.credentialOptions(),
      retryOptions: { retryDelayInMs: 1, maxRetryDelayInMs: 10 },
    });
    const before = emulator.requests.length;
    emulator.failNext({ status: 503, retryAfter: 0 });
    await credential.getToken("https://storage.azure.com/.default");
    assert.equal(emulator.requests.length - before, 2);
  });

  test("managed identity: App Service and IMDS styles issue tokens for registered identities", async () => {
    const system = emulator.registerManagedIdentity();
    const user = emulator.registerManagedIdentity();
    const appService = new ManagedIdentityCredential({ env: emulator.env() });
    const a = claimsOf((await appService.getToken("https://vault.azure.net/.default")).token);
    assert.equal(a.oid, system.objectId);
    assert.equal(a.aud, "https://vault.azure.net");
    const imds = new ManagedIdentityCredential({
      clientId: user.clientId,
      env: { AZURE_POD_IDENTITY_AUTHORITY_HOST: emulator.imdsEndpoint },
    });
    const b = claimsOf((await imds.getToken("https://storage.azure.com/.default")).token);
    assert.equal(b.appid, user.clientId);
    const appServiceRequest = emulator.requests.find((r) => r.path === "/msi/token")!;
    assert.equal(appServiceRequest.headers["x-identity-header"], "[REDACTED]");
    assert.ok(emulator.requests.some((r) => r.path === "/metadata/identity/oauth2/token"));
  });
});

describe("entra-zero/testing: env() for a child process", () => {
  test("DefaultAzureCredential in a child with only env() gets a token (instance discovery through httpsProxy)", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const { fileURLToPath } = await import("node:url");
    const app = emulator.registerApplication({ clientSecret: "child-process-secret" });
    const before = emulator.requests.length;
    const child = await promisify(execFile)(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        'import { DefaultAzureCredential } from "entra-zero"; const t = await new DefaultAzureCredential().getToken("https://graph.microsoft.com/.default"); console.log(JSON.parse(Buffer.from(t.token.split(".")[1], "base64url")).appid);',
      ],
      {
        cwd: fileURLToPath(new URL("../../../", import.meta.url)),
        env: { PATH: process.env.PATH, ...emulator.env(app) },
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    assert.equal(child.stdout.trim(), app.clientId);
    assert.deepEqual(
      emulator.requests.slice(before).map((r) => `${r.method} ${r.path}`),
      ["GET /common/discovery/instance", `POST /${app.tenantId}/oauth2/v2.0/token`],
    );
    assert.ok(!JSON.stringify(emulator.requests).includes("child-process-secret"));
  });
});
