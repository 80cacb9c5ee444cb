import assert from "node:assert/strict";
import { test } from "node:test";
import { netnsUnavailableReason, runInNetns } from "../support/netns.js";

// The namespace the real-client specs run in: only loopback, exactly the given environment, and
// a time limit that kills the whole process group.
const unavailable = netnsUnavailableReason();
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

test("a command in the namespace sees only lo, up, and reaches nothing outside", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const links = await runInNetns(["ip", "-o", "link", "show"], { env });
  assert.equal(links.exitCode, 0, links.stderr);
  const lines = links.stdout.trim().split("\n");
  assert.equal(lines.length, 1, links.stdout);
  assert.match(lines[0]!, /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
  const probe = `require("node:net").connect(443, "1.1.1.1").on("error", (e) => console.log(e.code)).on("connect", () => console.log("connected"));`;
  const outside = await runInNetns([process.execPath, "-e", probe], { env });
  assert.equal(outside.stdout.trim(), "ENETUNREACH");
});

test("the command gets exactly the environment given, and the time limit kills it", async (t) => {
  if (unavailable) return t.skip(unavailable);
  const printed = await runInNetns(
    [process.execPath, "-e", "console.log(JSON.stringify(process.env))"],
    { env: { ...env, ONLY_THIS: "1" } },
  );
  const seen = JSON.parse(printed.stdout) as Record<string, string>;
  assert.equal(seen.ONLY_THIS, "1");
  assert.equal(seen.HOME, undefined);
  const slow = await runInNetns(["sleep", "30"], { env, timeoutMs: 300 });
  assert.equal(slow.timedOut, true);
  assert.equal(slow.signal, "SIGKILL");
  assert.ok(slow.ms < 10_000);
});
