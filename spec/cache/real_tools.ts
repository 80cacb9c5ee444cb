/**
 * Starts the real OS tools the persistent-cache tests use when they are installed: a private
 * D-Bus session with gnome-keyring's Secret Service, the system PATH, and a check for tools.
 *
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The system directories searched for real tools. */
export const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";

/** The full path of a tool on {@link SYSTEM_PATH}, or undefined. */
export function findTool(name: string): string | undefined {
  return SYSTEM_PATH.split(":")
    .map((dir) => join(dir, name))
    .find((path) => existsSync(path));
}

/** A running D-Bus session bus with an unlocked gnome-keyring Secret Service. */
export interface SecretService {
  address: string;
  stop(): void;
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("no first line from the daemon")), timeoutMs);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.split("\n")[0]!);
      }
    });
  });
}

/**
 * Starts `dbus-daemon --session` and `gnome-keyring-daemon --unlock --components=secrets` for a
 * home directory, or returns why it cannot.
 */
export async function startSecretService(home: string): Promise<SecretService | string> {
  const dbus = findTool("dbus-daemon");
  const keyring = findTool("gnome-keyring-daemon");
  if (!findTool("secret-tool")) return "secret-tool (libsecret-tools) is not installed";
  if (!dbus) return "dbus-daemon (dbus) is not installed";
  if (!keyring) return "gnome-keyring-daemon (gnome-keyring) is not installed";
  const env = { HOME: home, PATH: SYSTEM_PATH };
  const bus = spawn(dbus, ["--session", "--print-address=1", "--nofork", "--nopidfile"], {
    env,
    stdio: ["ignore", "pipe", "ignore"],
  });
  let address: string;
  try {
    address = await firstLine(bus, 5_000);
  } catch (error) {
    bus.kill("SIGKILL");
    return (error as Error).message;
  }
  // The daemon reads the new keyring's password from stdin at once: a file, not a pipe that
  // might still be empty when it looks.
  const passwordFile = join(home, "keyring-password");
  writeFileSync(passwordFile, "test-keyring-password", { mode: 0o600 });
  const password = openSync(passwordFile, "r");
  const daemon = spawn(keyring, ["--foreground", "--unlock", "--components=secrets"], {
    env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
    stdio: [password, "pipe", "ignore"],
  });
  closeSync(password);
  // Using the bus before the daemon owns its name would make D-Bus start another, locked one.
  await firstLine(daemon, 5_000).catch(() => undefined);
  // Wait until the Secret Service answers.
  for (let i = 0; i < 50; i++) {
    // Ready once the login collection exists: a store succeeds.
    const probe = spawnSync("secret-tool", ["store", "--label=ready", "entra-zero", "ready"], {
      env: { ...env, DBUS_SESSION_BUS_ADDRESS: address },
      input: "ready",
      timeout: 2_000,
    });
    if (probe.status === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    address,
    stop() {
      daemon.kill("SIGKILL");
      bus.kill("SIGKILL");
    },
  };
}
