/**
 * Run by browser.test.ts inside a loopback-only network namespace. Starts the emulator with its
 * sign-in page, then lets InteractiveBrowserCredential sign a user in the way it does on a Linux
 * desktop: it runs `xdg-open <authorize URL>`, and xdg-open runs `$BROWSER`, here
 * fixtures/real/chromium_sign_in.cjs, which opens the page in headless Chromium and clicks
 * "Sign in". The emulator redirects Chromium to the credential's loopback server with the code.
 * Reports the token, the JWKS, the requests the emulator saw and the Chromium driver's log.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connect } from "node:tls";
import { startEntraEmulator } from "../../../lib/testing/index.js";
import { fixturePath } from "../../support/fixtures.js";
import { report, summarise, temporaryDirectory } from "./common.js";
import { InteractiveBrowserCredential } from "../../support/package.js";

/** Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo, as Chromium's SPKI list wants. */
function serverSpkiHash(url: string, ca: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(
      { host: hostname, port: Number(port), ca, servername: "localhost" },
      () => {
        const spki = socket.getPeerCertificate().pubkey;
        socket.destroy();
        if (!spki) reject(new Error("no public key in the server certificate"));
        else resolve(createHash("sha256").update(spki).digest("base64"));
      },
    );
    socket.once("error", reject);
  });
}

function readLog(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const dir = temporaryDirectory("chromium");
const emulator = await startEntraEmulator({ interactiveSignIn: true });
const log = join(dir.path, "chromium.log");
try {
  const app = emulator.registerApplication({
    publicClient: true,
    redirectUris: ["http://localhost"],
  });
  const user = emulator.registerUser({ username: "ada@emulator.test" });
  mkdirSync(join(dir.path, "profile"));
  Object.assign(process.env, {
    BROWSER: fixturePath("real/chromium_sign_in.cjs"),
    ENTRA_ZERO_CHROMIUM_PROFILE: join(dir.path, "profile"),
    ENTRA_ZERO_CHROMIUM_SPKI: await serverSpkiHash(emulator.authorityHost, emulator.caCertificate),
    ENTRA_ZERO_CHROMIUM_LOG: log,
  });
  const credential = new InteractiveBrowserCredential({
    ...emulator.credentialOptions(),
    tenantId: app.tenantId,
    clientId: app.clientId,
  });
  const started = performance.now();
  const token = await credential
    .getToken("https://graph.microsoft.com/User.Read", { abortSignal: AbortSignal.timeout(90_000) })
    .catch((error: unknown) => ({ error: String(error) }));
  const ms = Math.round(performance.now() - started);
  await credential.close();
  for (let i = 0; i < 50 && !readLog(log).some((line) => line.event === "chromium-exit"); i++)
    await new Promise((resolve) => setTimeout(resolve, 100));
  report({
    token,
    ms,
    tenantId: app.tenantId,
    clientId: app.clientId,
    username: user.username,
    authorityHost: emulator.authorityHost,
    jwks: emulator.jwks,
    requests: summarise(emulator.requests),
    chromium: readLog(log),
  });
} finally {
  const pid = readLog(log).find((line) => line.event === "spawned")?.pid;
  if (typeof pid === "number")
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  await emulator.close();
  dir.remove();
}
