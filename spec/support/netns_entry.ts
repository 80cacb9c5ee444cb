/**
 * First process inside a fresh network namespace (started by `unshare -n`, see netns.ts): brings
 * the loopback interface up, then runs the command given as arguments with stdio passed through,
 * and exits with its status. Exit status 125 means the loopback could not be brought up.
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
const up = spawnSync("ip", ["link", "set", "lo", "up"], { stdio: "inherit", timeout: 10_000 });
if (up.status !== 0 || !command) {
  process.stderr.write(`netns: could not bring lo up (status ${up.status}) or no command\n`);
  process.exit(125);
}
const child = spawn(command, args, { stdio: "inherit" });
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
  process.stderr.write(`netns: ${error.message}\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
