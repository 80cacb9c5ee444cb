/**
 * Scratch homes and executables for the persistent-cache tests.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The fake `secret-tool`, `keyctl`, `security` and `pwsh-dpapi` (from `build/spec/cache/`). */
export const FAKE_KEYRING_BIN = fileURLToPath(
  new URL("../../../fixtures/bin/cache/", import.meta.url),
);
const CHILD = fileURLToPath(new URL("./child/cache_child.js", import.meta.url));

/** A temporary home directory and PATHs to run credentials with. */
export class CacheSandbox {
  readonly root = mkdtempSync(join(tmpdir(), "entra-zero-cache-"));
  readonly home = join(this.root, "home");
  /** Holds only `node`: a PATH on which no OS tool exists. */
  readonly nodeOnly = join(this.root, "node-only");
  /** Where the fakes keep their state and argv log. */
  readonly fakeState = join(this.root, "fake-state");

  constructor() {
    mkdirSync(this.home);
    mkdirSync(this.nodeOnly);
    mkdirSync(this.fakeState);
    symlinkSync(process.execPath, join(this.nodeOnly, "node"));
  }

  /** The cache directory, `<home>/.IdentityService`. */
  get cacheDir(): string {
    return join(this.home, ".IdentityService");
  }

  /** An environment with this home and no OS tool on PATH. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { HOME: this.home, PATH: this.nodeOnly, ...extra };
  }

  /** An environment with this home and the fake tools first on PATH. */
  fakeEnv(mode = "ok", extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return this.env({
      PATH: `${FAKE_KEYRING_BIN}${delimiter}${this.nodeOnly}`,
      FAKE_KEYRING_DIR: this.fakeState,
      FAKE_KEYRING_MODE: mode,
      ...extra,
    });
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** What a child process printed. */
export interface ChildOutcome {
  result?: any;
  error?: { name: string; code: string; message: string };
  lines: string[];
}

/** Runs `build/spec/cache/child/cache_child.js` with `order` on stdin. */
export function runChild(order: Record<string, unknown>): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve(JSON.parse(out) as ChildOutcome);
      } catch {
        reject(new Error(`child exited ${code} with ${JSON.stringify(out.slice(0, 500))}`));
      }
    });
    child.stdin.end(JSON.stringify(order));
  });
}
