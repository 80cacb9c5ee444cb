import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type SpawnOptions } from "node:child_process";
import { realpathSync } from "node:fs";
import { ProcessError, run, type Spawner } from "../../lib/process/run.js";
import { pathDirectories, resolveProgram } from "../../lib/process/resolve.js";
import { FAKE_BIN, fakeCliSandbox, isRunning, waitGone } from "../support/fake_cli.js";

async function rejectsWith(
  promise: Promise<unknown>,
  code: string,
  gist: RegExp,
): Promise<ProcessError> {
  const error = await promise.then(
    () => assert.fail("expected a rejection"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ProcessError, `expected ProcessError, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.match(error.message, gist);
  return error;
}

test("runs the program found on the env PATH, with cwd pinned to /bin and argv passed unchanged", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const result = await run(["az", "account", "a b", "$(id)", "'q'"], { env: box.env("success") });
  assert.equal(result.exitCode, 0);
  assert.equal(result.signal, null);
  assert.equal(JSON.parse(result.stdout).accessToken, "fake-az-token");
  const [call] = box.records();
  assert.deepEqual(call?.argv, ["account", "a b", "$(id)", "'q'"]);
  assert.equal(call?.cwd, realpathSync("/bin"), "cwd is /bin (which may be a link to /usr/bin)");
});

test("a non-zero exit is a result with its code and stderr, not an error", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const result = await run(["az"], { env: box.env("not-logged-in") });
  assert.equal(result.exitCode, 1);
  assert.equal(result.signal, null);
  assert.match(result.stderr, /Please run 'az login'/);
});

test("death by signal is reported as the signal, with no exit code", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const result = await run(["azd"], { env: box.env("signal") });
  assert.equal(result.exitCode, null);
  assert.equal(result.signal, "SIGTERM");
});

test("a program missing from PATH is ENOENT and nothing is started", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  await rejectsWith(
    run(["az"], { env: { ...box.env("success"), PATH: box.emptyDir } }),
    "ENOENT",
    /az was not found on PATH/,
  );
  assert.equal(box.started(), false);
});

test("relative PATH entries are ignored, so the working directory cannot supply the program", async () => {
  assert.deepEqual(
    pathDirectories({ PATH: ["fixtures/bin", "", ".", "/usr/bin"].join(":") }, "linux"),
    ["/usr/bin"],
  );
  assert.deepEqual(pathDirectories({ Path: ' "C:\\Tools" ;bin;C:\\Windows' }, "win32"), [
    "C:\\Tools",
    "C:\\Windows",
  ]);
  assert.equal(await resolveProgram("az", { env: { PATH: "fixtures/bin" } }), undefined);
  assert.equal(await resolveProgram("../bin/az", { env: { PATH: FAKE_BIN } }), undefined);
  assert.deepEqual(await resolveProgram("az", { env: { PATH: FAKE_BIN } }), {
    path: `${FAKE_BIN}az`,
    isBatch: false,
  });
});

test("timeout kills the child and its grandchild; the kill time is measured", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const timeoutMs = 400;
  const started = Date.now();
  await rejectsWith(
    run(["pwsh"], { env: box.env("hang"), timeoutMs }),
    "ERR_TIMEOUT",
    /did not finish within 400 ms/,
  );
  const killMs = Date.now() - started - timeoutMs;
  const records = box.records();
  const child = records.find((r) => r.pid)?.pid;
  const grandchild = records.find((r) => r.grandchild)?.grandchild;
  assert.ok(child && grandchild, "the fake recorded its pid and its grandchild's");
  assert.equal(isRunning(child), false, "the child is gone when run() rejects");
  assert.equal(await waitGone(grandchild, 1000), true, "the grandchild is gone too");
  console.log(`# timeout: process group killed and child reaped ${killMs} ms after the deadline`);
  assert.ok(killMs < 1500, `kill took ${killMs} ms`);
});

test("abort kills the process group and rejects with ERR_ABORTED", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  await rejectsWith(
    run(["az"], { env: box.env("hang"), signal: controller.signal }),
    "ERR_ABORTED",
    /aborted/,
  );
  const grandchild = box.records().find((r) => r.grandchild)?.grandchild;
  assert.ok(grandchild);
  assert.equal(await waitGone(grandchild, 1000), true);
});

test("an already-aborted signal starts nothing", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  await rejectsWith(
    run(["az"], { env: box.env("success"), signal: AbortSignal.abort() }),
    "ERR_ABORTED",
    /not started/,
  );
  assert.equal(box.started(), false);
});

test("stdout over the cap kills the process and fails with ERR_OUTPUT_TOO_LARGE", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  await rejectsWith(
    run(["azd"], { env: box.env("huge"), maxOutputBytes: 256 * 1024 }),
    "ERR_OUTPUT_TOO_LARGE",
    /more than 262144 bytes/,
  );
  const pid = box.records()[0]?.pid;
  assert.ok(pid);
  assert.equal(isRunning(pid), false);
});

test("the injected spawner receives no shell, closed stdin, a detached group and the pinned cwd", async (t) => {
  const box = fakeCliSandbox();
  t.after(box.dispose);
  const seen: Array<{ file: string; args: readonly string[]; options: SpawnOptions }> = [];
  const spawner: Spawner = (file, args, options) => {
    seen.push({ file, args, options });
    return spawn(file, args, options);
  };
  await run(["az", "x"], { env: box.env("success"), spawn: spawner });
  assert.equal(seen.length, 1);
  const [call] = seen;
  assert.equal(call?.file, `${FAKE_BIN}az`);
  assert.deepEqual(call?.args, ["x"]);
  assert.equal(call?.options.shell, false);
  assert.equal(call?.options.detached, true);
  assert.equal(call?.options.cwd, "/bin");
  assert.deepEqual(call?.options.stdio, ["ignore", "pipe", "pipe"]);
});
