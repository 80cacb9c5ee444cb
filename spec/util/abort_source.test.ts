import assert from "node:assert/strict";
import { test } from "node:test";
import { AbortSource } from "../../lib/util/abort_source.js";

test("AbortSource calls each listener once, in order, and none added after it fired", () => {
  const source = new AbortSource();
  const calls: string[] = [];
  const first = () => calls.push("first");
  const removed = () => calls.push("removed");
  source.addEventListener("abort", first);
  source.addEventListener("abort", first);
  source.addEventListener("abort", removed);
  source.addEventListener("abort", () => calls.push("second"), { once: true });
  source.removeEventListener("abort", removed);
  assert.equal(source.aborted, false);
  source.abort();
  source.abort();
  source.addEventListener("abort", () => calls.push("late"));
  assert.equal(source.aborted, true);
  assert.deepEqual(calls, ["first", "second"]);
});
