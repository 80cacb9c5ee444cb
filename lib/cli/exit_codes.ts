/**
 * `entra-token`'s exit codes, and which failure gets which (pure).
 *
 * @module
 */
import { UsageError } from "./arguments.js";

/** The documented exit codes. */
export const EXIT = {
  /** A token was printed (or help, version; or stdout was closed by the reader). */
  ok: 0,
  /** Anything else: a token `--decode` cannot read, an unexpected fault. */
  failure: 1,
  /** The command line is wrong (or the library refused an argument, such as a malformed tenant). */
  usage: 2,
  /** The credential cannot work here (`CredentialUnavailableError`): not configured, tool missing. */
  unavailable: 3,
  /** Entra or the tool refused (`AuthenticationError`). */
  authenticationFailed: 4,
  /** The network failed: timeout, connection, proxy or TLS certificate. */
  network: 5,
  /** Interrupted by SIGINT or SIGTERM. */
  interrupted: 130,
} as const;

/** The `code`s of network failures (lib/errors.ts), whatever the error class. */
const NETWORK_CODES = new Set([
  "ERR_TIMEOUT",
  "ERR_NETWORK",
  "ERR_PROXY",
  "ERR_TLS_CERTIFICATE",
  "ERR_RESPONSE_TRUNCATED",
]);
const UNAVAILABLE = new Set(["CredentialUnavailableError", "AuthenticationRequiredError"]);

function codeOf(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/**
 * The exit code for a failure. Errors are matched by `name` and `code` (as chains match them), so
 * the same rules hold for errors from a bundled copy of the library. A chain's aggregate counts as
 * unavailable when every member was, as network when every other failure was a network one.
 */
export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  const name = (error as Error | null)?.name;
  const code = codeOf(error);
  if (name === "AggregateAuthenticationError") {
    const errors = ((error as { errors?: unknown[] }).errors ?? []).map(exitCodeOf);
    const failed = errors.filter((c) => c !== EXIT.unavailable);
    if (!failed.length) return EXIT.unavailable;
    return failed.every((c) => c === EXIT.network) ? EXIT.network : EXIT.authenticationFailed;
  }
  if (typeof code === "string" && NETWORK_CODES.has(code)) return EXIT.network;
  if (name && UNAVAILABLE.has(name)) return EXIT.unavailable;
  if (name === "AuthenticationError") return EXIT.authenticationFailed;
  if (name === "AbortError") return EXIT.interrupted;
  if (code === "ERR_INVALID_ARG_VALUE" || code === "ERR_INVALID_ARG_TYPE") return EXIT.usage;
  return EXIT.failure;
}
