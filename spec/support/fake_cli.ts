/**
 * Helpers for tests that run the fake `az`, `azd` and `pwsh` of `fixtures/bin/` as real processes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { rejectsWith as assertRejects } from "./assert_error.js";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The directory of the fake executables (from `build/spec/support/`). */
export const FAKE_BIN = fileURLToPath(new URL("../../../fixtures/bin/", import.meta.url));

/** One line the fake wrote: its invocation, or the pid of a grandchild it started. */
export interface FakeRecord {
  tool?: string;
  argv?: string[];
  cwd?: string;
  env?: Record<string, string>;
  pid?: number;
  grandchild?: number;
}

/** A scratch directory holding the record file; `dispose()` removes it. */
export interface FakeCliSandbox {
  /** Where the fake writes its records; absent until a fake ran. */
  recordFile: string;
  /** An empty directory, for "not installed" `PATH`s. */
  emptyDir: string;
  /** The environment for a credential's internal `env` option: the fakes first on `PATH`, then node. */
  env(mode: string, extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** The records written so far. */
  records(): FakeRecord[];
  /** Whether any fake was started. */
  started(): boolean;
  dispose(): void;
}

/** Creates a sandbox for one test. */
export function fakeCliSandbox(): FakeCliSandbox {
  const dir = mkdtempSync(join(tmpdir(), "entra-zero-cli-"));
  const recordFile = join(dir, "record.jsonl");
  const emptyDir = join(dir, "empty");
  return {
    recordFile,
    emptyDir,
    env: (mode, extra = {}) => ({
      PATH: [FAKE_BIN, dirname(process.execPath)].join(delimiter),
      FAKE_CLI_MODE: mode,
      FAKE_CLI_RECORD: recordFile,
      ...extra,
    }),
    records: () =>
      existsSync(recordFile)
        ? readFileSync(recordFile, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as FakeRecord)
        : [],
    started: () => existsSync(recordFile),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Whether a process is still running (a zombie counts as gone: it no longer runs anything). */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Waits until `pid` is gone or `ms` passed; resolves with whether it is gone. */
export async function waitGone(pid: number, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !isRunning(pid);
}

/** {@link assertRejects} with positional arguments, as the CLI suites call it. */
export function rejectsWith<T extends Error & { code: string }>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => T,
  code: string,
  gist: RegExp,
): Promise<T> {
  return assertRejects(promise, { class: type, code, message: gist }) as Promise<T>;
}

/** Asserts every process a sandbox's fakes recorded, and their grandchildren, has exited. */
export async function assertProcessesGone(box: FakeCliSandbox): Promise<void> {
  for (const record of box.records()) {
    if (record.grandchild)
      assert.equal(
        await waitGone(record.grandchild, 1000),
        true,
        `grandchild ${record.grandchild} still running`,
      );
    if (record.pid)
      assert.equal(await waitGone(record.pid, 1000), true, `process ${record.pid} still running`);
  }
}
