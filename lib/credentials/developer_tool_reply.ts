/**
 * What a developer tool answered, turned into a token or into this package's error: the process
 * layer's failures, a tool's non-zero exit, and the replies of `az`, `azd` and the PowerShell
 * script. Loaded with the process layer at a credential's first `getToken`.
 *
 * @module
 */
import {
  AbortError,
  authenticationFailure,
  type CredentialUnavailableError,
  type IdentityErrorCode,
} from "../errors.js";
import {
  decodeClixml,
  extractAzdErrorMessage,
  parseAzdOutput,
  parseAzureCliOutput,
  parsePowerShellOutput,
  POWERSHELL_NO_MODULE_MARKER,
  stripAnsi,
  summarizeOutput,
  type ParseResult,
} from "../process/cli_output.js";
import type { ProcessError, ProcessResult } from "../process/run.js";
import type { AccessToken } from "../types.js";

/** What the readers need from the credential whose tool ran. */
export interface ToolContext {
  /** The credential's name, which starts every message. */
  readonly name: string;
  /** How long the tool may run, in milliseconds. */
  readonly timeoutMs: number;
  /** A `CredentialUnavailableError` whose message starts with the credential name. */
  unavailable(message: string): CredentialUnavailableError;
  /** The "not installed" error of this tool. */
  notInstalled(): CredentialUnavailableError;
}

function failure(tool: ToolContext, code: IdentityErrorCode, message: string, cause?: unknown) {
  return authenticationFailure(tool.name, code, message, { cause });
}

/**
 * The error for a process-layer failure of `program`: not installed, aborted, timed out, too much
 * output, or not started.
 */
export function processFailure(
  tool: ToolContext,
  error: ProcessError,
  program: string | undefined,
): unknown {
  if (error.code === "ENOENT") return tool.notInstalled();
  if (error.code === "ERR_ABORTED") {
    const message = `${tool.name}: the request was aborted and ${program} was stopped.`;
    return new AbortError(message, { cause: error });
  }
  const [code, message]: [IdentityErrorCode, string] =
    error.code === "ERR_TIMEOUT"
      ? [
          "ERR_TIMEOUT",
          `did not answer within ${tool.timeoutMs} ms and was stopped. Raise "processTimeoutInMs" if it is just slow.`,
        ]
      : error.code === "ERR_OUTPUT_TOO_LARGE"
        ? [
            "ERR_RESPONSE_TOO_LARGE",
            "wrote more output than a token response can hold and was stopped.",
          ]
        : ["ERR_PROCESS_FAILED", `could not be started: ${error.message}`];
  return failure(tool, code, `${program} ${message}`, error);
}

/** The failure for a tool that ran and exited unsuccessfully, with its stderr trimmed and redacted. */
function exitFailure(tool: ToolContext, what: string, result: ProcessResult, stderr: string) {
  const how =
    result.signal !== null
      ? `was terminated by ${result.signal}`
      : `exited with code ${result.exitCode}`;
  const detail = summarizeOutput(stderr);
  return failure(tool, "ERR_PROCESS_FAILED", `${what} ${how}${detail ? `: ${detail}` : "."}`);
}

/**
 * The token `parsed` from the tool's stdout.
 *
 * @throws AuthenticationError (`ERR_PROCESS_OUTPUT`) naming `label`, with the reason and `stderr`.
 */
function read(tool: ToolContext, parsed: ParseResult, label: string, stderr: string): AccessToken {
  if (typeof parsed !== "string") return parsed;
  const detail = summarizeOutput(stderr, 300);
  throw failure(
    tool,
    "ERR_PROCESS_OUTPUT",
    `unexpected output from ${label}: ${parsed}.${detail ? ` Stderr: ${detail}` : ""}`,
  );
}

const AZ_NOT_LOGGED_IN =
  "Please run 'az login' from a command prompt to authenticate before using this credential.";

/**
 * The token in what `az account get-access-token` printed.
 *
 * @throws CredentialUnavailableError when `az` is missing or nobody is logged in.
 * @throws AuthenticationError `ERR_PROCESS_FAILED` or `ERR_PROCESS_OUTPUT`.
 */
export function readAzureCliReply(tool: ToolContext, result: ProcessResult): AccessToken {
  const stderr = result.stderr;
  if (result.exitCode !== 0) {
    if (/^'az' is not recognized/.test(stderr.trim()) || /az:.*not found/.test(stderr))
      throw tool.notInstalled();
    if (/az login|az account set/.test(stderr) && !/az login --scope|AADSTS/.test(stderr))
      throw tool.unavailable(AZ_NOT_LOGGED_IN);
    throw exitFailure(tool, "az", result, stderr);
  }
  return read(tool, parseAzureCliOutput(result.stdout), "Azure CLI", stderr);
}

const AZD_NOT_LOGGED_IN =
  "Please run 'azd auth login' from a command prompt to authenticate before using this credential.";
const AZD_NOT_LOGGED_IN_TEXT = /not logged in, run `azd (?:auth )?login` to login/;

/**
 * The token in what `azd auth token` printed.
 *
 * @param scopeArgs - the `--scope` arguments, repeated in the fresh-login command.
 * @throws CredentialUnavailableError when `azd` is missing, nobody is logged in, or a fresh login is needed.
 * @throws AuthenticationError `ERR_PROCESS_FAILED` (with azd's own message) or `ERR_PROCESS_OUTPUT`.
 */
export function readAzdReply(
  tool: ToolContext,
  result: ProcessResult,
  scopeArgs: string[],
): AccessToken {
  const stderr = result.stderr;
  const message = extractAzdErrorMessage(stderr);
  if (result.exitCode !== 0) {
    if (/^'azd' is not recognized/.test(message.trim()) || /azd:.*not found/.test(message))
      throw tool.notInstalled();
    if (AZD_NOT_LOGGED_IN_TEXT.test(stderr) && !/AADSTS/.test(stderr))
      throw tool.unavailable(AZD_NOT_LOGGED_IN);
    const login = `azd auth login ${scopeArgs.join(" ")}`;
    if (/must use multi-factor authentication|reauthentication required/i.test(stderr))
      throw tool.unavailable(`the account needs a fresh sign-in. Run: ${login}`);
    throw exitFailure(tool, "azd", result, message);
  }
  return read(tool, parseAzdOutput(result.stdout), "Azure Developer CLI", message);
}

const PS_NOT_LOGGED_IN =
  "Please run 'Connect-AzAccount' from PowerShell to authenticate before using this credential.";
const PS_NO_MODULE =
  "the 'Az.Accounts' module >= 2.2.0 is not installed. Install the Azure Az PowerShell module with: " +
  '"Install-Module -Name Az -Scope CurrentUser -Repository PSGallery -Force".';
const PS_BLOCKED_BY_POLICY =
  "the PowerShell execution policy prevented the Az.Accounts module from loading.";

/**
 * The token in what the PowerShell script printed when run by `program`.
 *
 * @throws CredentialUnavailableError when PowerShell or Az.Accounts is missing, nobody is signed
 *   in, or the execution policy blocked the module.
 * @throws AuthenticationError `ERR_PROCESS_FAILED` or `ERR_PROCESS_OUTPUT`.
 */
export function readPowerShellReply(
  tool: ToolContext,
  result: ProcessResult,
  program: string,
): AccessToken {
  const stderr = stripAnsi(decodeClixml(result.stderr));
  if (/Run Connect-AzAccount to login/i.test(stderr)) throw tool.unavailable(PS_NOT_LOGGED_IN);
  const notLoaded = /module 'Az\.Accounts'.*was not loaded/i;
  if (result.stdout.includes(POWERSHELL_NO_MODULE_MARKER) || notLoaded.test(stderr))
    throw tool.unavailable(PS_NO_MODULE);
  if (/is not recognized/.test(stderr) && result.exitCode !== 0) throw tool.notInstalled();
  if (/AuthorizationManager check failed/.test(stderr))
    throw tool.unavailable(PS_BLOCKED_BY_POLICY);
  if (result.exitCode !== 0) throw exitFailure(tool, program, result, result.stderr);
  return read(tool, parsePowerShellOutput(result.stdout), "Get-AzAccessToken", result.stderr);
}
