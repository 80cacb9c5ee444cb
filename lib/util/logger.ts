import { messageOf } from "../errors.js";
import type { LoggingOptions, LogLevel, LogSink } from "../types.js";

const LEVELS: readonly LogLevel[] = ["verbose", "info", "warning", "error"];

/** A log function of one level, shaped as `@azure/logger`'s `Debugger`. */
export interface Debugger {
  /** Writes the arguments as one line through {@link Debugger.log} when `enabled`. */
  (...args: any[]): void;
  /** Whether `AZURE_LOG_LEVEL` lets this level through (read on each access). */
  enabled: boolean;
  /** Does nothing; kept for the `Debugger` shape. Returns false. */
  destroy: () => boolean;
  /** Where lines go; replace it to redirect them (default: one line on stderr). */
  log: (...args: any[]) => void;
  /** `entra-zero:<level>` or an extension of it. */
  namespace: string;
  /** A child logger whose namespace adds `:<namespace>`. */
  extend: (namespace: string) => Debugger;
}

/** The package's logger, shaped as `@azure/identity`'s `logger` (an `@azure/logger` `AzureLogger`). */
export interface AzureLogger {
  /** Failures. */
  error: Debugger;
  /** Problems worked around. */
  warning: Debugger;
  /** Outcomes of `getToken`. */
  info: Debugger;
  /** Requests, retries, cache decisions. */
  verbose: Debugger;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  return LEVELS.find((l) => l === level);
}

function passes(level: LogLevel, threshold: LogLevel | undefined): boolean {
  return threshold !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
}

function createDebugger(namespace: string, level: LogLevel): Debugger {
  const debug = ((...args: unknown[]) => {
    if (debug.enabled) debug.log(...args);
  }) as Debugger;
  Object.defineProperty(debug, "enabled", {
    get: () => passes(level, parseLevel(process.env.AZURE_LOG_LEVEL)),
    enumerable: true,
  });
  debug.namespace = namespace;
  debug.destroy = () => false;
  debug.log = (...args: unknown[]) => process.stderr.write(`${args.join(" ")}\n`);
  debug.extend = (child) => createDebugger(`${namespace}:${child}`, level);
  return debug;
}

/**
 * The package's logger, as `@azure/identity` exports it. Credentials write through it unless their
 * `loggingOptions.logger` is set; replace a level's `log` to send its lines elsewhere.
 *
 * @example
 * ```ts
 * logger.info.log = (...args) => myLog.info(args.join(" "));
 * ```
 */
export const logger: AzureLogger = {
  error: createDebugger("entra-zero:error", "error"),
  warning: createDebugger("entra-zero:warning", "warning"),
  info: createDebugger("entra-zero:info", "info"),
  verbose: createDebugger("entra-zero:verbose", "verbose"),
};

/** A credential's logger: one method per level; lines below the configured level are dropped. */
export interface CredentialLogger {
  verbose(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Whether lines at `level` are written; lets hot paths skip building a message. */
  enabled(level: LogLevel): boolean;
}

/**
 * Logs how one `getToken` call ended: `info` with `success(value)`, or `error` with the failure's
 * message, which is rethrown.
 */
export async function logOutcome<T>(
  logger: CredentialLogger,
  work: () => Promise<T>,
  success: () => string,
): Promise<T> {
  try {
    const value = await work();
    if (logger.enabled("info")) logger.info(success());
    return value;
  } catch (error) {
    logger.error(`getToken failed: ${messageOf(error)}`);
    throw error;
  }
}

const silent = () => {};
/** The logger of every credential that logs nothing (the default): one object, not one each. */
const SILENT: CredentialLogger = {
  verbose: silent,
  info: silent,
  warning: silent,
  error: silent,
  enabled: () => false,
};

/**
 * Creates the logger of one credential. The level is `loggingOptions.logLevel`, else
 * `AZURE_LOG_LEVEL`; with neither, nothing is logged. Lines go to `loggingOptions.logger`, else
 * through the package {@link logger}. Callers never pass secrets to it.
 */
export function createLogger(
  name: string,
  options: LoggingOptions | undefined,
  env: NodeJS.ProcessEnv,
): CredentialLogger {
  const threshold = options?.logLevel ?? parseLevel(env.AZURE_LOG_LEVEL);
  if (threshold === undefined) return SILENT;
  const sink: LogSink =
    options?.logger ??
    ((level, message) => logger[level].log(`entra-zero:${name} ${level} ${message}`));
  const prefix = options?.logger ? `${name}: ` : "";
  // The level is fixed here, so a level that is off gets a function that does nothing: hot paths
  // (a cache hit, every request) pay a call, not a comparison of levels.
  const on = { verbose: false, info: false, warning: false, error: false };
  for (const level of LEVELS) on[level] = passes(level, threshold);
  const emit = (level: LogLevel) =>
    on[level] ? (message: string) => sink(level, prefix + message) : () => {};
  return {
    verbose: emit("verbose"),
    info: emit("info"),
    warning: emit("warning"),
    error: emit("error"),
    enabled: (level) => on[level],
  };
}
