/**
 * Finds a program on `PATH` the way a shell would, minus the parts that let a directory the caller
 * happens to be in supply the program: relative `PATH` entries are skipped.
 *
 * @module
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { posix, win32 } from "node:path";
import { windowsVariable } from "./windows.js";

/**
 * The absolute directories of `PATH`, in order; relative and empty entries are dropped, and on
 * Windows entries are trimmed and stripped of surrounding quotes.
 */
export function pathDirectories(env: NodeJS.ProcessEnv, platform = process.platform): string[] {
  const windows = platform === "win32";
  const flavour = windows ? win32 : posix;
  return ((windows ? windowsVariable(env, "path") : env.PATH) ?? "")
    .split(flavour.delimiter)
    .map((entry) => (windows ? entry.trim().replace(/^"(.*)"$/, "$1") : entry))
    .filter((entry) => entry !== "" && flavour.isAbsolute(entry));
}

function isExecutableFile(candidate: string, windows: boolean): Promise<boolean> {
  return access(candidate, windows ? constants.F_OK : constants.X_OK)
    .then(() => stat(candidate))
    .then((found) => found.isFile())
    .catch(() => false);
}

/**
 * Looks `name` up on `PATH`.
 *
 * @param name - a bare program name such as `az`; names holding a path separator are refused.
 * @param options - the environment, platform and whether batch launchers are acceptable.
 * @returns the absolute `path` of the program and whether it `isBatch` (a Windows `.cmd`/`.bat`
 *   launcher, which needs `cmd.exe`), or `undefined` when it is not installed.
 */
export async function resolveProgram(
  name: string,
  options: { env: NodeJS.ProcessEnv; platform?: NodeJS.Platform; allowBatch?: boolean },
): Promise<{ path: string; isBatch: boolean } | undefined> {
  const { env, platform = process.platform, allowBatch } = options;
  const windows = platform === "win32";
  if (name === "" || /[\\/]/.test(name)) return undefined;
  const flavour = windows ? win32 : posix;
  const extensions = windows ? [".exe", ".com", ...(allowBatch ? [".cmd", ".bat"] : [])] : [""];
  for (const directory of pathDirectories(env, platform)) {
    for (const extension of extensions) {
      const candidate = flavour.join(directory, name + extension);
      if (await isExecutableFile(candidate, windows))
        return { path: candidate, isBatch: extension === ".cmd" || extension === ".bat" };
    }
  }
  return undefined;
}
