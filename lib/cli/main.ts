/**
 * `entra-token`: prints a Microsoft Entra ID access token for scripts and CI. `bin/entra-token.mjs`
 * and the single-file bundle call {@link main}.
 *
 * @module
 */
import { REDACTED } from "../util/redact.js";
import { VERSION } from "../version.js";
import { parseArguments, type TokenCommand } from "./arguments.js";
import { createCliCredential } from "./credentials.js";
import { EXIT, exitCodeOf } from "./exit_codes.js";
import { formatToken } from "./output.js";
import { HELP } from "./usage.js";

/** The process around the tool, passed in so it can be driven by tests. */
export interface CliProcess {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Fires on SIGINT/SIGTERM. */
  signal: AbortSignal;
}

/** Secret values the environment may hand a credential. */
const SECRET_VARIABLES = [
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_PASSWORD",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  "SYSTEM_ACCESSTOKEN",
  "IDENTITY_HEADER",
  "MSI_SECRET",
];

/**
 * The message of a failure for stderr: `entra-token: …` (more lines for a chain). The library
 * keeps secrets out of its messages; the environment's secret values are cut out once more.
 */
function describeFailure(error: unknown, env: NodeJS.ProcessEnv): string {
  let message = error instanceof Error ? error.message : String(error);
  for (const name of SECRET_VARIABLES) {
    const value = env[name];
    if (value && value.length >= 4) message = message.split(value).join(REDACTED);
  }
  const hint = exitCodeOf(error) === EXIT.usage ? "\nRun entra-token --help for usage." : "";
  return `entra-token: ${message}${hint}\n`;
}

/** Writes to stdout and waits until the text is handed to the OS (or the reader has gone). */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    stream.write(text, () => resolve());
  });
}

async function printToken(command: TokenCommand, io: CliProcess): Promise<void> {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const credential = createCliCredential(command, { env: io.env, say });
  try {
    const token = await credential.getToken({ abortSignal: io.signal });
    const format = command.decode ? "decode" : command.output;
    await write(io.stdout, formatToken(token, format, command.tenantId));
  } finally {
    await credential.close();
  }
}

/**
 * Runs `entra-token` and returns its exit code: 0 ok, 1 other failure, 2 usage, 3 unavailable,
 * 4 authentication failed, 5 network, 130 interrupted. Failures are one message on stderr, never
 * a stack or a secret.
 */
export async function run(io: CliProcess): Promise<number> {
  try {
    const command = parseArguments(io.argv);
    switch (command.kind) {
      case "help":
        await write(io.stdout, HELP);
        return EXIT.ok;
      case "version":
        await write(io.stdout, `${VERSION}\n`);
        return EXIT.ok;
      case "emulator": {
        const { runEmulator } = await import("./emulator.js");
        await runEmulator(command.port, (text) => io.stdout.write(text), io.signal);
        return EXIT.ok;
      }
      case "token":
        await printToken(command, io);
        return EXIT.ok;
    }
  } catch (error) {
    io.stderr.write(describeFailure(error, io.env));
    return exitCodeOf(error);
  }
}

/**
 * The process entry: wires argv, the environment, stdio and signals to {@link run}, then exits.
 * A reader that closes stdout early (`| head -c 0`) ends the tool quietly with code 0.
 */
export async function main(): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop).once("SIGTERM", stop);
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(EXIT.ok);
    process.stderr.write(`entra-token: cannot write the output (${error.code ?? "error"}).\n`);
    process.exit(EXIT.failure);
  });
  const code = await run({
    argv: process.argv.slice(2),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  });
  process.exitCode = code;
  // Sockets and timers are released by close(); exit anyway so a straggler cannot hold the shell.
  process.stdout.write("", () => process.exit(code));
}
