/**
 * `entra-token emulator`: runs the Entra emulator of `entra-zero/testing` in the foreground for
 * tests written in other languages, printing what a client needs to reach it.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The part of `entra-zero/testing`'s emulator this command uses. */
interface Emulator {
  authorityHost: string;
  caCertificate: string;
  /** A file holding `caCertificate`, when the emulator writes one itself. */
  caCertificatePath?: string;
  registerApplication(options: { clientSecret: string }): Promise<RegisteredApp> | RegisteredApp;
  /** The variables a client process needs (authority, CA file, app, proxy for discovery). */
  env?(app: RegisteredApp): Record<string, string>;
  close(): Promise<void> | void;
}

interface RegisteredApp {
  tenantId: string;
  clientId: string;
  clientSecret?: string;
}

interface TestingModule {
  startEntraEmulator(options?: { port?: number }): Promise<Emulator>;
}

/** The emulator is not in this build (the single-file bundle leaves it out). */
export class EmulatorUnavailableError extends Error {
  /** Always `"EmulatorUnavailableError"`. */
  override readonly name = "EmulatorUnavailableError";
  /** Always `ERR_EMULATOR_UNAVAILABLE`. */
  readonly code = "ERR_EMULATOR_UNAVAILABLE";
}

// The package's own `entra-zero/testing` export, whatever the build layout. Computed, so the
// token path never loads the emulator and a bundler leaves it out.
const TESTING_MODULE = ["entra-zero", "testing"].join("/");

async function loadTesting(): Promise<TestingModule> {
  try {
    return (await import(TESTING_MODULE)) as TestingModule;
  } catch (cause) {
    throw new EmulatorUnavailableError(
      "the emulator is not part of this build (the single-file bundle leaves it out). Run it from the installed package: npx entra-token emulator.",
      { cause },
    );
  }
}

/** The lines printed once the emulator listens: `#` comments for people, `NAME=value` for scripts. */
export function describeEmulator(emulator: Emulator, caFile: string, app: RegisteredApp): string {
  const vars = emulator.env?.(app) ?? {
    AZURE_AUTHORITY_HOST: emulator.authorityHost,
    NODE_EXTRA_CA_CERTS: caFile,
    AZURE_TENANT_ID: app.tenantId,
    AZURE_CLIENT_ID: app.clientId,
    AZURE_CLIENT_SECRET: app.clientSecret ?? "",
  };
  return [
    "# entra-token emulator: a local Entra ID stand-in for tests. Ctrl+C (SIGINT) or SIGTERM stops it.",
    "# The secrets below are throwaways made for this run: they are valid only here.",
    `# Authority host: ${emulator.authorityHost}`,
    `# CA certificate file (trust it with NODE_EXTRA_CA_CERTS, SSL_CERT_FILE, REQUESTS_CA_BUNDLE, …): ${caFile}`,
    "# With these variables: entra-token -c environment -s <scope>",
    ...Object.entries(vars).map(([name, value]) => `${name}=${value}`),
    "",
  ].join("\n");
}

/**
 * Starts the emulator on `port` (0: a free one), writes its CA certificate to a temporary file
 * (unless the emulator keeps one), registers one application with a throwaway secret, prints
 * them, and runs until `stop` fires; then closes the emulator and removes the file.
 *
 * @throws EmulatorUnavailableError (`ERR_EMULATOR_UNAVAILABLE`) when the emulator is not
 *   installed; the emulator's `EmulatorError` (`ERR_EMULATOR_LISTEN`) when the port is taken.
 */
export async function runEmulator(
  port: number,
  write: (text: string) => void,
  stop: AbortSignal,
): Promise<void> {
  const { startEntraEmulator } = await loadTesting();
  const emulator = await startEntraEmulator({ port });
  const dir = mkdtempSync(join(tmpdir(), "entra-token-emulator-"));
  try {
    let caFile = emulator.caCertificatePath;
    if (!caFile) {
      caFile = join(dir, "ca.pem");
      writeFileSync(caFile, emulator.caCertificate, { mode: 0o644 });
    }
    const clientSecret = `emulator-${randomBytes(18).toString("base64url")}`;
    const app = await emulator.registerApplication({ clientSecret });
    write(describeEmulator(emulator, caFile, { clientSecret, ...app }));
    if (!stop.aborted) await new Promise((resolve) => stop.addEventListener("abort", resolve));
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
