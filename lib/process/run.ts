/**
 * Runs a developer tool as a child process: no shell, stdin closed, a pinned working directory,
 * captured and capped output, and the whole process group killed on timeout or abort.
 *
 * @module
 */
import type { ChildProcess } from "node:child_process";
import type { AbortSignalLike, InternalOptions } from "../types.js";
import { resolveProgram } from "./resolve.js";
import { buildWindowsBatchInvocation, windowsSystemRoot } from "./windows.js";

/** The subset of `child_process.spawn` this layer uses; injectable so credentials can be given another. */
export type Spawner = NonNullable<InternalOptions["spawn"]>;

/** Options of {@link run}. */
export interface RunOptions {
  /** Kill the process after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Kill the process when this fires. */
  signal?: AbortSignalLike;
  /** The child's whole environment; its `PATH` is also where the program is looked up. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Most bytes kept from stdout (exceeding it kills the process) and from stderr (the rest is dropped). Default 1 MiB. */
  maxOutputBytes?: number;
  /** On Windows, allow `.cmd`/`.bat` launchers (run through `cmd.exe` under the rule of `windows.ts`). */
  allowBatch?: boolean;
  /** The spawner; default `child_process.spawn`. */
  spawn?: Spawner;
  /** The platform rules to apply; default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Written to the child's stdin, which is then closed (default: stdin closed at once). Secrets go here, never in `argv`. */
  input?: string;
}

/** How a process that ran to completion ended. Exactly one of `exitCode` and `signal` is set. */
export interface ProcessResult {
  /** The exit code, or `null` when a signal ended the process. */
  exitCode: number | null;
  /** The signal that ended the process, or `null`. */
  signal: NodeJS.Signals | null;
  /** Everything written to stdout, UTF-8. */
  stdout: string;
  /** Stderr, UTF-8, cut at the output cap. */
  stderr: string;
}

/** Why a process could not run to completion. */
export type ProcessErrorCode =
  "ENOENT" | "ERR_TIMEOUT" | "ERR_ABORTED" | "ERR_OUTPUT_TOO_LARGE" | "ERR_SPAWN";

/** A process that was not found, could not start, or was killed by this layer. */
export class ProcessError extends Error {
  /** Always `"ProcessError"`. */
  override readonly name = "ProcessError";
  /** What happened. */
  readonly code: ProcessErrorCode;

  /**
   * @param code - what happened.
   * @param message - a description naming the program.
   * @param cause - the underlying error, if any.
   */
  constructor(code: ProcessErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

const STDIO_GRACE_MS = 250;
const EXIT_WAIT_MS = 2_000;

function killTree(child: ChildProcess, spawner: Spawner, windowsRoot?: string): void {
  if (child.pid === undefined) return;
  try {
    if (windowsRoot === undefined) process.kill(-child.pid, "SIGKILL");
    else
      spawner(`${windowsRoot}\\System32\\taskkill.exe`, ["/pid", String(child.pid), "/T", "/F"], {
        stdio: "ignore",
        windowsHide: true,
        cwd: windowsRoot,
      }).on("error", () => undefined);
  } catch {
    // The group is gone or taskkill is missing: the direct child is still killed below.
  }
  child.kill("SIGKILL");
}

/**
 * Runs `argv[0]` (looked up on the `PATH` of `options.env`) with the rest of `argv` as arguments,
 * in `/bin` (`%SystemRoot%` on Windows).
 *
 * On POSIX the child leads its own process group (`detached`), so a timeout or abort kills it and
 * everything it started. The promise settles only after the killed child has exited.
 *
 * @param argv - program name and arguments; never joined into a command line except for Windows
 *   batch launchers, under the allow-list of `windows.ts`.
 * @param options - timeout, abort signal, environment, output cap, spawner.
 * @returns how the process ended and what it wrote; a non-zero exit is a result, not an error.
 * @throws ProcessError `ENOENT` (not on `PATH`), `ERR_TIMEOUT`, `ERR_ABORTED`, `ERR_OUTPUT_TOO_LARGE`
 *   (stdout over the cap), or `ERR_SPAWN`.
 * @throws UnsafeWindowsArgumentError (`ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT`) for a batch launcher
 *   argument outside the allow-list; nothing is started.
 */
export async function run(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const [name = "", ...args] = argv;
  const { signal: abortSignal, timeoutMs = 10_000 } = options;
  const spawner = options.spawn ?? process.getBuiltinModule("node:child_process").spawn;
  const { platform = process.platform, env = process.env, allowBatch } = options;
  const maxOutput = options.maxOutputBytes ?? 1024 * 1024;
  const windows = platform === "win32";
  const cwd = windows ? windowsSystemRoot(env) : "/bin";
  const program = await resolveProgram(name, { env, platform, allowBatch });
  if (abortSignal?.aborted)
    throw new ProcessError("ERR_ABORTED", `${name} was not started: the operation was aborted.`);
  if (program === undefined) throw new ProcessError("ENOENT", `${name} was not found on PATH.`);

  const command = program.isBatch
    ? buildWindowsBatchInvocation(cwd, program.path, args)
    : { file: program.path, args, windowsVerbatimArguments: false };

  return new Promise<ProcessResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let settled = false;
    let failure: ProcessError | undefined;
    let child: ChildProcess;
    try {
      child = spawner(command.file, command.args, {
        cwd,
        env,
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
        detached: !windows,
        shell: false,
        windowsHide: true,
        windowsVerbatimArguments: command.windowsVerbatimArguments,
      });
    } catch (error) {
      reject(new ProcessError("ERR_SPAWN", `${name} could not be started.`, error));
      return;
    }

    if (options.input !== undefined) {
      // A child that exits without reading its input must not crash the parent with EPIPE.
      child.stdin?.on("error", () => undefined);
      child.stdin?.end(options.input);
    }
    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
    const timers: NodeJS.Timeout[] = [];
    const finish = (outcome: ProcessResult | ProcessError) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      abortSignal?.removeEventListener("abort", onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (outcome instanceof ProcessError) reject(outcome);
      else resolve(outcome);
    };
    const fail = (code: ProcessErrorCode, message: string) => {
      if (failure || settled) return;
      const error = (failure = new ProcessError(code, message));
      killTree(child, spawner, windows ? cwd : undefined);
      if (child.exitCode !== null || child.signalCode !== null) finish(error);
      else timers.push(setTimeout(() => finish(error), EXIT_WAIT_MS));
    };
    const onAbort = () => fail("ERR_ABORTED", `${name} was killed: the operation was aborted.`);
    const timeout = `${name} did not finish within ${timeoutMs} ms and was killed.`;
    timers.push(setTimeout(() => fail("ERR_TIMEOUT", timeout), timeoutMs));
    abortSignal?.addEventListener("abort", onAbort, { once: true });

    const tooLarge = `${name} wrote more than ${maxOutput} bytes to stdout and was killed.`;
    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= maxOutput) stdout.push(chunk);
      else fail("ERR_OUTPUT_TOO_LARGE", tooLarge);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      const room = maxOutput - stderrBytes;
      if (room > 0) stderr.push(chunk.subarray(0, room));
      stderrBytes += chunk.length;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (failure) return;
      const missing = error.code === "ENOENT";
      const problem = missing
        ? "was not found."
        : `could not be started (${error.code ?? "unknown error"}).`;
      finish(new ProcessError(missing ? "ENOENT" : "ERR_SPAWN", `${name} ${problem}`, error));
    });
    const ended = (exitCode: number | null, signal: NodeJS.Signals | null) =>
      finish(failure ?? { exitCode, signal, stdout: text(stdout), stderr: text(stderr) });
    child.on("exit", (exitCode, signal) => {
      if (failure) return finish(failure);
      // A grandchild may hold the pipes open; do not wait for it forever.
      timers.push(setTimeout(() => ended(exitCode, signal), STDIO_GRACE_MS));
    });
    child.on("close", ended);
  });
}
