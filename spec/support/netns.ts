/**
 * Runs real tools in a network namespace that has only a loopback interface (`unshare -n`), so a
 * test proves they reach nothing but the local emulator. Root runs `unshare -n`; another user
 * `unshare -r -n` (needs unprivileged user namespaces). Tests skip with
 * {@link netnsUnavailableReason} when neither works here.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./netns_entry.js", import.meta.url));

/** What a command run by {@link runInNetns} did. */
export interface NetnsResult {
  /** Exit status, or null when killed by a signal (then `signal` is set). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the time limit killed the whole process group. */
  timedOut: boolean;
  /** Wall-clock milliseconds from spawn to exit. */
  ms: number;
}

/** Options of {@link runInNetns}. */
export interface NetnsOptions {
  /** The complete environment of the command (nothing is inherited). */
  env: NodeJS.ProcessEnv;
  /** Written to the command's stdin, then stdin is closed. */
  input?: string;
  /** Kills the process group after this many milliseconds (default 120 000). */
  timeoutMs?: number;
  cwd?: string;
}

/** The absolute path of `program` on `PATH`, or undefined. */
export function findProgram(program: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function unshareArgs(): string[] {
  return process.getuid?.() === 0 ? ["-n"] : ["-r", "-n"];
}

let probed: { reason: string | undefined } | undefined;

/**
 * Why a loopback-only namespace cannot be made here (not Linux, `unshare` or `ip` missing, or
 * `unshare` refused), or undefined when it can. Probed once per process by really bringing `lo`
 * up inside a new namespace.
 */
export function netnsUnavailableReason(): string | undefined {
  if (probed) return probed.reason;
  let reason: string | undefined;
  if (process.platform !== "linux") reason = `network namespaces need Linux (${process.platform})`;
  else if (!findProgram("unshare")) reason = "unshare (util-linux) is not installed";
  else if (!findProgram("ip") && !findProgram("ip", "/usr/sbin:/sbin"))
    reason = "ip (iproute2) is not installed";
  else {
    const probe = spawnSync(
      "unshare",
      [...unshareArgs(), "--", process.execPath, ENTRY, process.execPath, "-e", ""],
      { encoding: "utf8", timeout: 15_000, env: withSbin(process.env) },
    );
    if (probe.status !== 0)
      reason = `unshare ${unshareArgs().join(" ")} refused here (status ${probe.status}): ${(probe.stderr || String(probe.error ?? "")).trim().slice(0, 200)}`;
  }
  probed = { reason };
  return reason;
}

function withSbin(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = env.PATH ?? "/usr/bin:/bin";
  return { ...env, PATH: `${path}${delimiter}/usr/sbin${delimiter}/sbin` };
}

/**
 * Runs `argv` (no shell) inside a new network namespace whose only interface is `lo`, up, with
 * exactly `options.env` (plus `/usr/sbin` on `PATH` for `ip`). Collects stdout and stderr.
 * Never rejects for the command's failure: check `exitCode`.
 */
export function runInNetns(argv: string[], options: NetnsOptions): Promise<NetnsResult> {
  const env = withSbin(options.env);
  return runCollecting(["unshare", ...unshareArgs(), "--", process.execPath, ENTRY, ...argv], {
    ...options,
    env,
  });
}

/**
 * Runs `argv` (no shell) in its own process group with exactly `options.env`, collecting its
 * output; the time limit kills the whole group. Never rejects for the command's failure.
 */
export function runCollecting(argv: string[], options: NetnsOptions): Promise<NetnsResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, {
      env: options.env,
      cwd: options.cwd ?? process.cwd(),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutMs ?? 120_000);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
        ms: Math.round(performance.now() - started),
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
