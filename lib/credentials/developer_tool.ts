/**
 * What the three developer-tool credentials share: option checks, the tenant policy, running the
 * tool through the process layer with abort and `close()` support, and turning failures into this
 * package's errors.
 *
 * @module
 */
import {
  AbortError,
  AuthenticationError,
  CredentialUnavailableError,
  InvalidArgumentError,
} from "../errors.js";
import {
  checkTenantId,
  createTenantPolicy,
  resolveTenant,
  type TenantPolicy,
} from "../oauth/tenant.js";
import { checkProcessTimeout } from "../process/cli_arguments.js";
import { summarizeOutput } from "../process/redact.js";
import { ProcessError, run, type ProcessResult, type Spawner } from "../process/run.js";
import type {
  AbortSignalLike,
  GetTokenOptions,
  MultiTenantTokenCredentialOptions,
} from "../types.js";
import { createLogger, type CredentialLogger } from "../util/logger.js";

/** Options shared by `AzureCliCredential`, `AzureDeveloperCliCredential` and `AzurePowerShellCredential`. */
export interface DeveloperToolCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** The tenant to ask the tool for; default: the tool's current tenant. */
  tenantId?: string;
  /** How long the tool may run before it is killed, in milliseconds (default 10 000). */
  processTimeoutInMs?: number;
  /** @internal Replaces `child_process.spawn`. */
  spawn?: Spawner;
  /** @internal The environment to run the tool in (and search `PATH` of); default `process.env` at call time. */
  env?: NodeJS.ProcessEnv;
}

/** How one tool reports "not installed", used for `ENOENT` and exit code 127. */
export interface ToolDescription {
  /** The credential's name, which starts every message. */
  credentialName: string;
  /** The message after the name when the tool is not installed. */
  notInstalled: string;
  /** On Windows, allow a `.cmd` launcher (az, azd). */
  allowBatch?: boolean;
}

/** The shared machinery of one developer-tool credential instance. */
export class DeveloperTool {
  /** The tenant rules fixed at construction. */
  readonly policy: TenantPolicy;
  /** The credential's logger. */
  readonly logger: CredentialLogger;
  private readonly tool: ToolDescription;
  private readonly timeoutMs: number;
  private readonly spawn: Spawner | undefined;
  private readonly fixedEnv: NodeJS.ProcessEnv | undefined;
  private readonly inFlight = new Set<AbortController>();
  private readonly notInstalledErrors = new WeakSet<object>();

  /**
   * @param tool - the credential's name and its not-installed message.
   * @param options - the constructor options.
   * @throws InvalidArgumentError for a bad `tenantId`, `processTimeoutInMs` or `additionallyAllowedTenants`.
   */
  constructor(tool: ToolDescription, options: DeveloperToolCredentialOptions) {
    this.tool = tool;
    const name = tool.credentialName;
    if (options.tenantId !== undefined) checkTenantId(name, options.tenantId);
    this.timeoutMs = checkProcessTimeout(name, options.processTimeoutInMs ?? 10_000);
    const allowed = options.additionallyAllowedTenants;
    if (
      allowed !== undefined &&
      (!Array.isArray(allowed) || !allowed.every((t) => typeof t === "string"))
    ) {
      throw new InvalidArgumentError(
        `${name}: "additionallyAllowedTenants" must be an array of tenant ids or "*".`,
        "ERR_INVALID_ARG_TYPE",
      );
    }
    this.spawn = options.spawn;
    this.fixedEnv = options.env;
    this.policy = createTenantPolicy(options.tenantId ?? "", allowed, this.env());
    this.logger = createLogger(name, options.loggingOptions, this.env());
  }

  /** The environment the tool runs in, read now rather than at construction. */
  env(): NodeJS.ProcessEnv {
    return this.fixedEnv ?? process.env;
  }

  /** The tenant for this request under the policy; `""` means "the tool's own". */
  tenantFor(options: GetTokenOptions | undefined): string {
    return resolveTenant(this.tool.credentialName, this.policy, options?.tenantId);
  }

  /** A `CredentialUnavailableError` whose message starts with the credential name. */
  unavailable(message: string): CredentialUnavailableError {
    return new CredentialUnavailableError(`${this.tool.credentialName}: ${message}`);
  }

  /** The "not installed" error of this tool. */
  notInstalled(): CredentialUnavailableError {
    const error = this.unavailable(this.tool.notInstalled);
    this.notInstalledErrors.add(error);
    return error;
  }

  /** Whether `error` is one made by {@link DeveloperTool.notInstalled}, so another program may be tried. */
  isNotInstalled(error: unknown): boolean {
    return typeof error === "object" && error !== null && this.notInstalledErrors.has(error);
  }

  /** An `AuthenticationError` (status 0) whose message starts with the credential name. */
  failure(
    code: "ERR_PROCESS_FAILED" | "ERR_PROCESS_OUTPUT" | "ERR_TIMEOUT" | "ERR_RESPONSE_TOO_LARGE",
    message: string,
    cause?: unknown,
  ): AuthenticationError {
    return new AuthenticationError(
      0,
      { error: code, error_description: message },
      { credentialName: this.tool.credentialName, code, message, cause },
    );
  }

  /** The failure for a tool that ran and exited unsuccessfully, with its stderr trimmed and redacted. */
  exitFailure(
    what: string,
    result: ProcessResult,
    stderrText = result.stderr,
  ): AuthenticationError {
    const how =
      result.signal !== null
        ? `was terminated by ${result.signal}`
        : `exited with code ${result.exitCode}`;
    const detail = summarizeOutput(stderrText);
    return this.failure("ERR_PROCESS_FAILED", `${what} ${how}${detail ? `: ${detail}` : "."}`);
  }

  /**
   * Runs the tool with `argv`, adding `extraEnv` to the environment. `ENOENT` and exit code 127
   * become "not installed"; a timeout, abort, `close()` or oversized output become errors.
   *
   * @throws CredentialUnavailableError when the tool is not installed.
   * @throws AbortError (`ERR_ABORTED`) when `abortSignal` fires or the credential is closed.
   * @throws AuthenticationError `ERR_TIMEOUT`, `ERR_RESPONSE_TOO_LARGE` or `ERR_PROCESS_FAILED`.
   */
  async run(
    argv: string[],
    extraEnv: NodeJS.ProcessEnv,
    abortSignal: AbortSignalLike | undefined,
  ): Promise<ProcessResult> {
    const name = this.tool.credentialName;
    if (abortSignal?.aborted) throw new AbortError(`${name}: the request was aborted.`);
    const controller = new AbortController();
    const forward = () => controller.abort();
    abortSignal?.addEventListener("abort", forward, { once: true });
    this.inFlight.add(controller);
    const started = Date.now();
    try {
      const result = await run(argv, {
        env: { ...this.env(), ...extraEnv },
        timeoutMs: this.timeoutMs,
        signal: controller.signal,
        allowBatch: this.tool.allowBatch ?? false,
        ...(this.spawn ? { spawn: this.spawn } : {}),
      });
      this.logger.verbose(
        `${argv[0]} exited (code ${result.exitCode}, signal ${result.signal}) after ${Date.now() - started} ms`,
      );
      if (result.exitCode === 127) throw this.notInstalled();
      return result;
    } catch (error) {
      throw this.translate(error, argv[0] ?? "");
    } finally {
      abortSignal?.removeEventListener("abort", forward);
      this.inFlight.delete(controller);
    }
  }

  private translate(error: unknown, program: string): unknown {
    if (!(error instanceof ProcessError)) return error;
    const name = this.tool.credentialName;
    switch (error.code) {
      case "ENOENT":
        return this.notInstalled();
      case "ERR_ABORTED":
        return new AbortError(`${name}: the request was aborted and ${program} was stopped.`, {
          cause: error,
        });
      case "ERR_TIMEOUT":
        return this.failure(
          "ERR_TIMEOUT",
          `${program} did not answer within ${this.timeoutMs} ms and was stopped. Raise "processTimeoutInMs" if it is just slow.`,
          error,
        );
      case "ERR_OUTPUT_TOO_LARGE":
        return this.failure(
          "ERR_RESPONSE_TOO_LARGE",
          `${program} wrote more output than a token response can hold and was stopped.`,
          error,
        );
      case "ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT":
        return new InvalidArgumentError(`${name}: ${error.message}`);
      default:
        return this.failure(
          "ERR_PROCESS_FAILED",
          `${program} could not be started: ${error.message}`,
          error,
        );
    }
  }

  /** Aborts every tool this credential is running; their `getToken` calls reject with `AbortError`. */
  abortAll(): void {
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }
}
