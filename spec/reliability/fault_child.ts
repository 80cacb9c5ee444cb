/**
 * Child process of faults.test.ts: runs every scenario of one endpoint kind against the parent's
 * fault servers, prints one JSON line of outcomes and then must exit on its own (it never calls
 * `process.exit`): a socket, timer or child left behind after `close()` keeps it alive, and the
 * parent fails the kind. Should it linger, an unref'd timer names what is still open.
 *
 * Usage: node fault_child.js '<json {kind, context, scenarios: [{fault, url, abortAfterMs?}], sequential?}>'
 */
import { ENDPOINT_KINDS, type Context } from "./fault_kinds.js";

interface Scenario {
  fault: string;
  url: string;
  abortAfterMs?: number;
}

/** What one scenario gave. */
export interface Outcome {
  fault: string;
  abortAfterMs?: number;
  ms: number;
  ok: boolean;
  token?: string;
  errorClass?: string;
  code?: unknown;
  message?: string;
}

const input = JSON.parse(process.argv[2]!) as {
  kind: string;
  context: Context;
  scenarios: Scenario[];
  /** One scenario at a time (a re-run after a timing miss), instead of all at once. */
  sequential?: boolean;
};
const kind = ENDPOINT_KINDS.find((k) => k.name === input.kind)!;

async function run(scenario: Scenario): Promise<Outcome> {
  const controller = new AbortController();
  const timer =
    scenario.abortAfterMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(), scenario.abortAfterMs);
  const started = performance.now();
  const base = { fault: scenario.fault, abortAfterMs: scenario.abortAfterMs };
  try {
    const token = await kind.run(scenario.url, input.context, controller.signal);
    return { ...base, ms: performance.now() - started, ok: true, token: token.token };
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return {
      ...base,
      ms: performance.now() - started,
      ok: false,
      errorClass: e?.constructor?.name,
      code: e?.code,
      message: String(e?.message),
    };
  } finally {
    clearTimeout(timer);
  }
}

const outcomes: Outcome[] = [];
if (input.sequential) for (const scenario of input.scenarios) outcomes.push(await run(scenario));
else outcomes.push(...(await Promise.all(input.scenarios.map(run))));
process.stdout.write(`${JSON.stringify(outcomes)}\n`);
setTimeout(() => {
  process.stderr.write(`still alive; open: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
}, 1500).unref();
