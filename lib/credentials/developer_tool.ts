/**
 * What the three developer-tool credentials share: option checks, the tenant policy, and running
 * the tool through the process layer with abort and `close()` support. What the tool answers is
 * read by `developer_tool_reply.ts`, loaded with the process layer at the first run.
 *
 * @module
 */
import { AbortError, CredentialUnavailableError, InvalidArgumentError } from "../errors.js";
import {
  checkTenantId,
  createTenantPolicy,
  resolveTenant,
  type TenantPolicy,
} from "../oauth/tenant.js";
import { checkProcessTimeout } from "../process/cli_arguments.js";
import type { ProcessResult } from "../process/run.js";
import type { AccessToken, GetTokenOptions, MultiTenantTokenCredentialOptions } from "../types.js";
import { createLogger, type CredentialLogger } from "../util/logger.js";
import type { ToolContext } from "./developer_tool_reply.js";

/** Options shared by `AzureCliCredential`, `AzureDeveloperCliCredential` and `AzurePowerShellCredential`. */
export interface DeveloperToolCredentialOptions extends MultiTenantTokenCredentialOptions {
  /** The tenant to ask the tool for; default: the tool's current tenant. */
  tenantId?: string;
  /** How long the tool may run before it is killed, in milliseconds (default 10 000). */
  processTimeoutInMs?: number;
}

/**
 * The base of the developer-tool credentials: each subclass builds the command line and hands the
 * reply to its reader; this class runs the tool.
 */
export abstract class DeveloperToolCredential {
  private readonly credentialName: string;
  private readonly allowBatch: boolean;
  private readonly options: DeveloperToolCredentialOptions;
  private readonly policy: TenantPolicy;
  private readonly logger: CredentialLogger;
  private readonly timeoutMs: number;
  private readonly inFlight = new Set<AbortController>();
  private readonly notInstalledErrors = new WeakSet<object>();

  /** The message after the name when the tool is not installed. */
  protected abstract readonly notInstalledMessage: string;

  /**
   * @param name - the credential's name, which starts every message.
   * @param options - the constructor options.
   * @param allowBatch - on Windows, allow a `.cmd` launcher (az, azd).
   * @throws InvalidArgumentError for a bad `tenantId`, `processTimeoutInMs` or `additionallyAllowedTenants`.
   */
  constructor(name: string, options: DeveloperToolCredentialOptions, allowBatch = false) {
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
    this.credentialName = name;
    this.allowBatch = allowBatch;
    this.options = options;
    this.policy = createTenantPolicy(options.tenantId ?? "", allowed, this.env());
    this.logger = createLogger(name, options.loggingOptions, this.env());
  }

  /** Gets a token from the tool; see each credential. */
  abstract getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken>;

  /** The environment the tool runs in, read at each call rather than at construction. */
  protected env(): NodeJS.ProcessEnv {
    return this.options.env ?? process.env;
  }

  /** The tenant for this request under the policy; `""` means "the tool's own". */
  protected tenantFor(options: GetTokenOptions): string {
    return resolveTenant(this.credentialName, this.policy, options.tenantId);
  }

  /** A `CredentialUnavailableError` whose message starts with the credential name. */
  protected unavailable(message: string): CredentialUnavailableError {
    return new CredentialUnavailableError(`${this.credentialName}: ${message}`);
  }

  /** Throws when `claims` were given: the tool cannot answer a challenge, the user must run `command`. */
  protected refuseClaims(
    claims: string | undefined,
    where: string,
    command: (challenge: string) => string,
  ): void {
    if (!claims?.trim()) return;
    throw this.unavailable(
      `this credential cannot answer a claims challenge. To authenticate with the required claims, run${where}: ` +
        command(Buffer.from(claims, "utf8").toString("base64")),
    );
  }

  /** The "not installed" error of this tool. */
  protected notInstalled(): CredentialUnavailableError {
    const error = this.unavailable(this.notInstalledMessage);
    this.notInstalledErrors.add(error);
    return error;
  }

  /** Whether `error` came from {@link DeveloperToolCredential.notInstalled}, so another program may be tried. */
  protected isNotInstalled(error: unknown): boolean {
    return typeof error === "object" && error !== null && this.notInstalledErrors.has(error);
  }

  /** What the reply readers of `developer_tool_reply.ts` need from this credential. */
  protected context(): ToolContext {
    return {
      name: this.credentialName,
      timeoutMs: this.timeoutMs,
      unavailable: (message) => this.unavailable(message),
      notInstalled: () => this.notInstalled(),
    };
  }

  /**
   * Runs the tool with `argv`, with `extraEnv` replacing any variable of the same name in any case
   * (Windows matches names case-insensitively; `undefined` removes it), until `options.abortSignal` fires. `ENOENT` and exit code 127
   * become "not installed"; a timeout, abort, `close()` or oversized output become errors.
   *
   * @throws CredentialUnavailableError when the tool is not installed.
   * @throws AbortError (`ERR_ABORTED`) when `abortSignal` fires or the credential is closed.
   * @throws AuthenticationError `ERR_TIMEOUT`, `ERR_RESPONSE_TOO_LARGE` or `ERR_PROCESS_FAILED`.
   */
  protected async run(
    argv: string[],
    extraEnv: NodeJS.ProcessEnv,
    { abortSignal }: GetTokenOptions,
  ): Promise<ProcessResult> {
    if (abortSignal?.aborted)
      throw new AbortError(`${this.credentialName}: the request was aborted.`);
    const controller = new AbortController();
    const forward = () => controller.abort();
    abortSignal?.addEventListener("abort", forward, { once: true });
    this.inFlight.add(controller);
    const env = Object.entries(this.env()).filter(([key]) => !(key.toUpperCase() in extraEnv));
    const started = Date.now();
    // The process layer (and node:child_process under it) loads at the first run, with the
    // readers of what the tool answers.
    const [layer, windows, reply] = await Promise.all([
      import("../process/run.js"),
      import("../process/windows.js"),
      import("./developer_tool_reply.js"),
    ]);
    try {
      const result = await layer.run(argv, {
        env: { ...Object.fromEntries(env), ...extraEnv },
        timeoutMs: this.timeoutMs,
        signal: controller.signal,
        allowBatch: this.allowBatch,
        spawn: this.options.spawn,
      });
      this.logger.verbose(
        `${argv[0]} exited (code ${result.exitCode}, signal ${result.signal}) after ${Date.now() - started} ms`,
      );
      if (result.exitCode === 127) throw this.notInstalled();
      return result;
    } catch (error) {
      if (error instanceof windows.UnsafeWindowsArgumentError)
        throw new InvalidArgumentError(`${this.credentialName}: ${argv[0]}: ${error.message}`);
      throw error instanceof layer.ProcessError
        ? reply.processFailure(this.context(), error, argv[0])
        : error;
    } finally {
      abortSignal?.removeEventListener("abort", forward);
      this.inFlight.delete(controller);
    }
  }

  /** Stops any tool process this credential is running; their `getToken` calls reject with `AbortError`. */
  async close(): Promise<void> {
    for (const controller of this.inFlight) controller.abort();
  }

  /** Same as `close()`, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
