/**
 * Running Windows batch launchers (`az.cmd`, `azd.cmd`) without handing caller values to a shell.
 *
 * A `.cmd` file can only be run by `cmd.exe`, which parses its command line with its own rules:
 * `%` expands variables even inside double quotes, `!` expands with delayed expansion, `"` toggles
 * quoting, and `& | < > ( ) ^` are operators outside quotes. The rule used here:
 *
 * 1. `cmd.exe` is `%SystemRoot%\System32\cmd.exe` (never `ComSpec`, never a `PATH` lookup), run as
 *    `cmd.exe /d /s /v:off /c "<line>"`: no AutoRun, outer quotes stripped as a unit, delayed
 *    expansion off.
 * 2. Every argument must match {@link WINDOWS_BATCH_ARGUMENT_PATTERN} (letters, digits, space and
 *    `_ . : / = + -`), so it holds no quote, `%`, `!`, `^`, backslash, operator or control character.
 *    Anything else is refused before a process starts.
 * 3. Each argument is then wrapped in double quotes, which keeps spaces together and needs no
 *    escaping because rule 2 leaves nothing inside that `cmd.exe` or the launcher's C runtime would
 *    interpret.
 * 4. The launcher's own path (found through `PATH`, not from callers) must be absolute and free of
 *    `"`, `%`, `!` and control characters; it is quoted the same way.
 *
 * @module
 */

/** Characters allowed in an argument passed through `cmd.exe` to a batch launcher. */
export const WINDOWS_BATCH_ARGUMENT_PATTERN = /^[A-Za-z0-9_.:/=+ -]*$/;

const BATCH_PATH_FORBIDDEN = /["%!\x00-\x1f\x7f]/;

/** A value refused by the Windows batch rule; `index` is its position in the argument list, -1 for the launcher path. */
export class UnsafeWindowsArgumentError extends Error {
  /** Always `"UnsafeWindowsArgumentError"`. */
  override readonly name = "UnsafeWindowsArgumentError";
  /** Always `ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT`. */
  readonly code = "ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT";
  /** Which argument was refused; -1 for the launcher path. */
  readonly index: number;

  /** @param index - the refused argument's position, -1 for the launcher path. */
  constructor(index: number) {
    super(
      index < 0
        ? "The batch launcher path holds characters cmd.exe would interpret."
        : `Argument ${index} holds characters that cannot be passed safely through cmd.exe.`,
    );
    this.index = index;
  }
}

/**
 * Quotes one argument for a batch launcher run through `cmd.exe`.
 *
 * @param argument - the argument; must match {@link WINDOWS_BATCH_ARGUMENT_PATTERN}.
 * @param index - its position, reported when it is refused.
 * @returns the argument in double quotes.
 * @throws UnsafeWindowsArgumentError when the argument is outside the allow-list.
 */
export function quoteWindowsBatchArgument(argument: string, index = 0): string {
  if (!WINDOWS_BATCH_ARGUMENT_PATTERN.test(argument)) throw new UnsafeWindowsArgumentError(index);
  return `"${argument}"`;
}

/**
 * Builds the `cmd.exe` invocation that runs `batchFile` with `args` under the rule of this module.
 *
 * @param systemRoot - the Windows directory, e.g. `C:\Windows`.
 * @param batchFile - absolute path of the `.cmd`/`.bat` launcher.
 * @param args - the arguments for the launcher.
 * @returns `file` (`%SystemRoot%\System32\cmd.exe`), `args` (`/d /s /v:off /c "<quoted launcher and
 *   arguments>"`) and `windowsVerbatimArguments: true`, as the line is already quoted.
 * @throws UnsafeWindowsArgumentError when the path or an argument is refused.
 */
export function buildWindowsBatchInvocation(
  systemRoot: string,
  batchFile: string,
  args: readonly string[],
) {
  if (BATCH_PATH_FORBIDDEN.test(batchFile) || !/^(?:[A-Za-z]:\\|\\\\)/.test(batchFile))
    throw new UnsafeWindowsArgumentError(-1);
  const quoted = args.map((arg, index) => quoteWindowsBatchArgument(arg, index));
  const line = [`"${batchFile}"`, ...quoted].join(" ");
  return {
    file: `${systemRoot}\\System32\\cmd.exe`,
    args: ["/d", "/s", "/v:off", "/c", `"${line}"`],
    windowsVerbatimArguments: true,
  };
}

/**
 * The Windows directory from the environment (`SystemRoot`, any case), else `C:\Windows`.
 * Used as the pinned working directory and to locate `cmd.exe` and `taskkill.exe`.
 */
export function windowsSystemRoot(env: NodeJS.ProcessEnv): string {
  const value = windowsVariable(env, "systemroot");
  return value && !BATCH_PATH_FORBIDDEN.test(value) ? value : "C:\\Windows";
}

/** The variable `name` (lower case) of `env`, found in any case as Windows does. */
export function windowsVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return Object.entries(env).find(([key]) => key.toLowerCase() === name)?.[1];
}
