/**
 * Runs a developer tool as a child process: no shell, stdin closed, a pinned working directory,
 * captured and capped output, and the whole process group killed on timeout or abort.
 *
 * @module
 */
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import type { AbortSignalLike } from "../types.js";
import { resolveProgram } from "./resolve.js";
import {
  buildWindowsBatchInvocation,
  UnsafeWindowsArgumentError,
  windowsSystemRoot,
} from "./windows.js";

/** The subset of `child_process.spawn` this layer uses; injectable so credentials can be given another. */
export type Spawner = (
  file: string,
  args: readonly string[],
  options: SpawnOptions,
) => ChildProcess;

/** Options of {@link run}. */
export interface RunOptions {
  /** Kill the process after this many milliseconds (default 10 000). */
  timeoutMs?: number;
  /** Kill the process when this fires. */
  signal?: AbortSignalLike;
  /** The child's whole environment; its `PATH` is also where the program is looked up. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The working directory; default `/bin`, or `%SystemRoot%` on Windows. */
  cwd?: string;
  /** Most bytes kept from stdout (exceeding it kills the process) and from stderr (the rest is dropped). Default 1 MiB. */
  maxOutputBytes?: number;
  /** On Windows, allow `.cmd`/`.bat` launchers (run through `cmd.exe` under the rule of `windows.ts`). */
  allowBatch?: boolean;
  /** The spawner; default `child_process.spawn`. */
  spawn?: Spawner;
  /** The platform rules to apply; default `process.platform`. */
  platform?: NodeJS.Platform;
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
  | "ENOENT"
  | "ERR_TIMEOUT"
  | "ERR_ABORTED"
  | "ERR_OUTPUT_TOO_LARGE"
  | "ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT"
  | "ERR_SPAWN";

/** A process that was not found, could not start, or was killed by this layer. */
export class ProcessError extends Error {
  /** Always `"ProcessError"`. */
  override readonly name = "ProcessError";
  /** What happened. */
  readonly code: ProcessErrorCode;
  /** Stderr captured before the process was killed (kept off `JSON.stringify`). */
  declare readonly stderr: string;

  /**
   * @param code - what happened.
   * @param message - a description naming the program.
   * @param details - stderr captured so far and the underlying cause.
   */
  constructor(
    code: ProcessErrorCode,
    message: string,
    details?: { stderr?: string; cause?: unknown },
  ) {
    super(message, details?.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    Object.defineProperty(this, "stderr", { value: details?.stderr ?? "", enumerable: false });
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const STDIO_GRACE_MS = 250;
const EXIT_WAIT_MS = 2_000;

function killTree(
  child: ChildProcess,
  platform: NodeJS.Platform,
  spawner: Spawner,
  env: NodeJS.ProcessEnv,
): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (platform === "win32") {
    try {
      const root = windowsSystemRoot(env);
      spawner(`${root}\\System32\\taskkill.exe`, ["/pid", String(pid), "/T", "/F"], {
        stdio: "ignore",
        windowsHide: true,
        cwd: root,
      }).on("error", () => undefined);
    } catch {
      // taskkill missing: fall through to killing the direct child.
    }
    child.kill("SIGKILL");
    return;
  }
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/**
 * Runs `argv[0]` (looked up on the `PATH` of `options.env`) with the rest of `argv` as arguments.
 *
 * On POSIX the child leads its own process group (`detached`), so a timeout or abort kills it and
 * everything it started. The promise settles only after the killed child has exited.
 *
 * @param argv - program name and arguments; never joined into a command line except for Windows
 *   batch launchers, under the allow-list of `windows.ts`.
 * @param options - timeout, abort signal, environment, working directory, output cap, spawner.
 * @returns how the process ended and what it wrote; a non-zero exit is a result, not an error.
 * @throws ProcessError `ENOENT` (not on `PATH`), `ERR_TIMEOUT`, `ERR_ABORTED`, `ERR_OUTPUT_TOO_LARGE`
 *   (stdout over the cap), `ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT`, or `ERR_SPAWN`.
 */
export async function run(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const [name = "", ...args] = argv;
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (options.signal?.aborted)
    throw new ProcessError("ERR_ABORTED", `${name} was not started: the operation was aborted.`);
  const program = await resolveProgram(name, {
    env,
    platform,
    allowBatch: options.allowBatch ?? false,
  });
  if (program === undefined) throw new ProcessError("ENOENT", `${name} was not found on PATH.`);
  if (options.signal?.aborted)
    throw new ProcessError("ERR_ABORTED", `${name} was not started: the operation was aborted.`);

  let file = program.path;
  let finalArgs: readonly string[] = args;
  let verbatim = false;
  const windows = platform === "win32";
  if (program.isBatch) {
    try {
      const invocation = buildWindowsBatchInvocation(windowsSystemRoot(env), program.path, args);
      ({ file, args: finalArgs } = invocation);
      verbatim = true;
    } catch (error) {
      if (error instanceof UnsafeWindowsArgumentError) {
        throw new ProcessError("ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT", `${name}: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }
  const spawner = options.spawn ?? nodeSpawn;
  const cwd = options.cwd ?? (windows ? windowsSystemRoot(env) : "/bin");
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;

  return new Promise<ProcessResult>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let settled = false;
    let failure: ProcessError | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    let exitTimer: NodeJS.Timeout | undefined;

    let child: ChildProcess;
    try {
      child = spawner(file, finalArgs, {
        cwd,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: !windows,
        shell: false,
        windowsHide: true,
        windowsVerbatimArguments: verbatim,
      });
    } catch (error) {
      reject(new ProcessError("ERR_SPAWN", `${name} could not be started.`, { cause: error }));
      return;
    }

    const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("utf8");
    const cleanup = () => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      clearTimeout(exitTimer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    const finish = (result: ProcessResult | ProcessError) => {
      if (settled) return;
      settled = true;
      cleanup();
      child.stdout?.destroy();
      child.stderr?.destroy();
      if (result instanceof ProcessError) reject(result);
      else resolve(result);
    };
    const fail = (code: ProcessErrorCode, message: string) => {
      if (failure || settled) return;
      failure = new ProcessError(code, message, { stderr: text(stderr) });
      killTree(child, platform, spawner, env);
      if (child.exitCode !== null || child.signalCode !== null) finish(failure);
      else exitTimer = setTimeout(() => finish(failure as ProcessError), EXIT_WAIT_MS);
    };
    function onAbort(): void {
      fail("ERR_ABORTED", `${name} was killed: the operation was aborted.`);
    }
    const timer = setTimeout(
      () => fail("ERR_TIMEOUT", `${name} did not finish within ${timeoutMs} ms and was killed.`),
      timeoutMs,
    );
    options.signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout?.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutput)
        fail(
          "ERR_OUTPUT_TOO_LARGE",
          `${name} wrote more than ${maxOutput} bytes to stdout and was killed.`,
        );
      else stdout.push(chunk);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      const room = maxOutput - stderrBytes;
      if (room > 0) stderr.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      stderrBytes += chunk.length;
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (failure) return;
      finish(
        error.code === "ENOENT"
          ? new ProcessError("ENOENT", `${name} was not found.`, { cause: error })
          : new ProcessError(
              "ERR_SPAWN",
              `${name} could not be started (${error.code ?? "unknown error"}).`,
              { cause: error },
            ),
      );
    });
    child.on("exit", (exitCode, signal) => {
      if (failure) {
        finish(failure);
        return;
      }
      // A grandchild may hold the pipes open; do not wait for it forever.
      graceTimer = setTimeout(
        () => finish({ exitCode, signal, stdout: text(stdout), stderr: text(stderr) }),
        STDIO_GRACE_MS,
      );
    });
    child.on("close", (exitCode: number | null, signal: NodeJS.Signals | null) => {
      finish(failure ?? { exitCode, signal, stdout: text(stdout), stderr: text(stderr) });
    });
  });
}
