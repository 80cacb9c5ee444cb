import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request } from "node:https";
import { after, before, describe, test } from "node:test";
import { startEntraEmulator, type EntraEmulator } from "../../lib/testing/index.js";
import { rejectsWith } from "../support/assert_error.js";
import {
  AuthenticationError,
  ClientAssertionCredential,
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  OnBehalfOfCredential,
  UsernamePasswordCredential,
  type InteractiveBrowserCredentialNodeOptions,
} from "../support/package.js";

let emulator: EntraEmulator;
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

/** A browser that fills in the emulator's sign-in page: GET the page, POST its form, follow the redirect. */
async function signInWithPage(url: string): Promise<boolean> {
  const fetchPage = (target: string, method: string, body = "") =>
    new Promise<{ status: number; location?: string; text: string }>((resolve, reject) => {
      const u = new URL(target);
      const send = u.protocol === "https:" ? request : httpRequest;
      const req = send(
        u,
        {
          method,
          ca: emulator.caCertificate,
          headers: body ? { "Content-Type": "application/x-www-form-urlencoded" } : {},
        },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              ...(res.headers.location ? { location: res.headers.location } : {}),
              text,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  const page = await fetchPage(url, "GET");
  assert.equal(page.status, 200);
  const fields = new URLSearchParams();
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    fields.append(
      m[1]!,
      m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))),
    );
  fields.append("username", /id="username" value="([^"]*)"/.exec(page.text)![1]!);
  const posted = await fetchPage(url, "POST", fields.toString());
  assert.equal(posted.status, 302);
  const loopback = await fetchPage(posted.location!, "GET");
  assert.equal(loopback.status, 200);
  return true;
}

before(async () => {
  emulator = await startEntraEmulator();
  emulator.registerUser({ username: "ada@contoso.example", password: "ada-password-1" });
});
after(async () => {
  await emulator.close();
});

describe("entra-zero/testing: user flows", () => {
  test("InteractiveBrowserCredential signs in through the sign-in page and the loopback redirect", async () => {
    const app = emulator.registerApplication({
      publicClient: true,
      redirectUris: ["http://localhost"],
    });
    const credential = new InteractiveBrowserCredential({
      ...emulator.credentialOptions(),
      tenantId: app.tenantId,
      clientId: app.clientId,
      openBrowser: signInWithPage,
    } as InteractiveBrowserCredentialNodeOptions);
    const { token } = await credential.getToken("https://graph.microsoft.com/User.Read");
    const claims = claimsOf(token);
    assert.equal(claims.upn, "ada@contoso.example");
    assert.equal(claims.scp, "User.Read");
    assert.equal(claims.aud, "https://graph.microsoft.com");
  });

  test("DeviceCodeCredential: the code is approved at once by default", async () => {
    const app = emulator.registerApplication({ publicClient: true });
    let message = "";
    const credential = new DeviceCodeCredential({
      ...emulator.credentialOptions(),
      tenantId: app.tenantId,
      clientId: app.clientId,
      userPromptCallback: (info) => {
        message = info.message;
      },
    });
    const { token } = await credential.getToken("https://graph.microsoft.com/User.Read");
    assert.match(message, /enter the code \w+ to authenticate/);
    assert.equal(claimsOf(token).appid, app.clientId);
  });

  test("UsernamePasswordCredential, then OnBehalfOfCredential exchanging the user's token", async () => {
    const client = emulator.registerApplication({ publicClient: true });
    const user = new UsernamePasswordCredential(
      client.tenantId,
      client.clientId,
      "ada@contoso.example",
      "ada-password-1",
      emulator.credentialOptions(),
    );
    const userToken = (await user.getToken("api://middle-tier/access")).token;
    const middle = emulator.registerApplication({ clientSecret: "middle-tier-secret" });
    const obo = new OnBehalfOfCredential({
      ...emulator.credentialOptions(),
      tenantId: middle.tenantId,
      clientId: middle.clientId,
      clientSecret: "middle-tier-secret",
      userAssertionToken: userToken,
    });
    const downstream = claimsOf(
      (await obo.getToken("https://graph.microsoft.com/User.Read")).token,
    );
    assert.equal(downstream.appid, middle.clientId);
    assert.equal(downstream.upn, "ada@contoso.example");
    const wrong = new UsernamePasswordCredential(
      client.tenantId,
      client.clientId,
      "ada@contoso.example",
      "not-her-password",
      emulator.credentialOptions(),
    );
    await rejectsWith(wrong.getToken("api://middle-tier/access"), {
      class: AuthenticationError,
      code: "invalid_grant",
      message: /AADSTS50126: Error validating credentials due to invalid username or password/,
    });
  });

  test("a federated assertion from a registered issuer authenticates the app; another audience is refused", async () => {
    const issuerKey = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const issuer = "https://token.actions.example";
    const subject = "repo:contoso/app:ref:refs/heads/main";
    const app = emulator.registerApplication({
      federatedCredentials: [
        {
          issuer,
          subject,
          publicKey: issuerKey.publicKey.export({ format: "pem", type: "spki" }).toString(),
        },
      ],
    });
    const federated = (aud: string) => {
      const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      const input = `${part({ alg: "RS256", typ: "JWT" })}.${part({ iss: issuer, sub: subject, aud, jti: randomUUID(), exp: now + 300 })}`;
      const key = createPrivateKey(issuerKey.privateKey.export({ format: "pem", type: "pkcs8" }));
      return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
    };
    const good = new ClientAssertionCredential(
      app.tenantId,
      app.clientId,
      async () => federated("api://AzureADTokenExchange"),
      emulator.credentialOptions(),
    );
    assert.equal(
      claimsOf((await good.getToken("https://vault.azure.net/.default")).token).appid,
      app.clientId,
    );
    const bad = new ClientAssertionCredential(
      app.tenantId,
      app.clientId,
      async () => federated("api://elsewhere"),
      { ...emulator.credentialOptions(), retryOptions: { maxRetries: 0 } },
    );
    await rejectsWith(bad.getToken("https://vault.azure.net/.default"), {
      class: AuthenticationError,
      code: "invalid_client",
      message:
        /AADSTS700212: No matching federated identity record found for presented assertion audience/,
    });
  });
});
