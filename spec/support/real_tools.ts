import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { netnsUnavailableReason } from "./netns.js";

/** The compiled path of a scenario script under spec/compat/scenarios/. */
export function scenarioPath(name: string): string {
  return fileURLToPath(new URL(`../compat/scenarios/${name}.js`, import.meta.url));
}

/**
 * Why a real-tool spec cannot run here: the loopback-only namespace is unavailable, or one of
 * `programs` (absolute paths) is missing, or `probe` (a command that must exit 0, e.g. a Python
 * import) fails. Undefined when everything is there.
 */
export function realToolUnavailableReason(
  programs: string[],
  probe?: { argv: string[]; what: string },
): string | undefined {
  const netns = netnsUnavailableReason();
  if (netns) return `no loopback-only network namespace: ${netns}`;
  const missing = programs.find((program) => !existsSync(program));
  if (missing) return `${missing} is not installed`;
  if (probe) {
    const [command, ...args] = probe.argv;
    const result = spawnSync(command!, args, { encoding: "utf8", timeout: 30_000 });
    if (result.status !== 0)
      return `${probe.what} is not available: ${(result.stderr || String(result.error ?? "")).trim().slice(-200)}`;
  }
  return undefined;
}
