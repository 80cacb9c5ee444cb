/**
 * Runs `entra-token` (or any script) as a child process with a clean environment, collecting its
 * exit code and output. Asynchronous, so fakes in the test process keep answering.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root (tests run from build/spec/cli). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The `bin` launcher of package.json. */
export const BIN = `${ROOT}bin/entra-token.mjs`;

/** What a run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli}. */
export interface RunOptions {
  /** The script to run instead of the launcher. */
  script?: string;
  cwd?: string;
  /** Close the read end of stdout at once, so the tool's write meets EPIPE. */
  closeStdout?: boolean;
  /** Called with each stderr chunk (to answer prompts). */
  onStderr?: (text: string) => void;
  timeoutMs?: number;
}

/** Runs the tool with exactly `env` (nothing inherited) and resolves when it exits. */
export function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [options.script ?? BIN, ...argv], {
    env,
    cwd: options.cwd ?? ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMs ?? 30_000,
  });
  let stdout = "";
  let stderr = "";
  if (options.closeStdout) child.stdout.destroy();
  else child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
    options.onStderr?.(chunk.toString());
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
