import type { LoggingOptions, LogLevel, LogSink } from "../types.js";

const LEVELS: readonly LogLevel[] = ["verbose", "info", "warning", "error"];

/** A credential's logger: one method per level; lines below the configured level are dropped. */
export interface CredentialLogger {
  verbose(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** Whether lines at `level` are written; lets hot paths skip building a message. */
  enabled(level: LogLevel): boolean;
}

function parseLevel(value: string | undefined): LogLevel | undefined {
  const level = value?.trim().toLowerCase();
  return LEVELS.find((l) => l === level);
}

/**
 * Creates the logger of one credential. The level is `loggingOptions.logLevel`, else
 * `AZURE_LOG_LEVEL`; with neither, nothing is logged. Callers never pass secrets to it.
 */
export function createLogger(
  name: string,
  options: LoggingOptions | undefined,
  env: NodeJS.ProcessEnv,
): CredentialLogger {
  const threshold = options?.logLevel ?? parseLevel(env.AZURE_LOG_LEVEL);
  const sink: LogSink =
    options?.logger ??
    ((level, message) => process.stderr.write(`entra-zero:${name} ${level} ${message}\n`));
  const enabled = (level: LogLevel) =>
    threshold !== undefined && LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
  const emit = (level: LogLevel) => (message: string) => {
    if (enabled(level)) sink(level, options?.logger ? `${name}: ${message}` : message);
  };
  return {
    verbose: emit("verbose"),
    info: emit("info"),
    warning: emit("warning"),
    error: emit("error"),
    enabled,
  };
}
