/**
 * The command line of `entra-token`, parsed into a command (pure: no I/O, no environment).
 *
 * @module
 */

/** The credentials `--credential` may name. */
export const CREDENTIAL_NAMES = [
  "default",
  "environment",
  "workload",
  "github-actions",
  "managed-identity",
  "cli",
  "azd",
  "powershell",
  "device-code",
  "browser",
] as const;

/** A credential `--credential` may name. */
export type CredentialName = (typeof CREDENTIAL_NAMES)[number];

/** The output formats of `--output`. */
export const OUTPUT_FORMATS = ["token", "json", "header"] as const;

/** An output format of `--output`. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Credentials that take no `--client-id` (they use the signed-in tool's own app). */
const NO_CLIENT_ID: ReadonlySet<CredentialName> = new Set(["cli", "azd", "powershell"]);
/** Credentials that take no `--tenant` (the environment or the host decides it). */
const NO_TENANT: ReadonlySet<CredentialName> = new Set(["environment", "managed-identity"]);

/** What a token request asks for. */
export interface TokenCommand {
  kind: "token";
  scopes: string[];
  credential: CredentialName;
  tenantId?: string;
  clientId?: string;
  output: OutputFormat;
  /** Print the token's JOSE header and claims instead of the token. */
  decode: boolean;
  /** Skip instance discovery (a private authority: the emulator, ADFS, Azure Stack). */
  disableInstanceDiscovery: boolean;
}

/** `entra-token emulator [--port N]`. */
export interface EmulatorCommand {
  kind: "emulator";
  /** 0 picks a free port. */
  port: number;
}

/** One parsed command line. */
export type Command = { kind: "help" } | { kind: "version" } | TokenCommand | EmulatorCommand;

/** The stable codes of {@link UsageError}. */
export type UsageErrorCode =
  | "ERR_USAGE_UNKNOWN_OPTION"
  | "ERR_USAGE_MISSING_VALUE"
  | "ERR_USAGE_MISSING_OPTION"
  | "ERR_USAGE_INVALID_VALUE"
  | "ERR_USAGE_CONFLICT";

/** The command line is wrong; `entra-token` exits with code 2. The message never echoes a value that could be secret. */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override readonly name = "UsageError";
  /** What is wrong. */
  readonly code: UsageErrorCode;

  /**
   * @param code - the stable code.
   * @param message - names the option and what is wrong.
   */
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// RFC 6749 §3.3 scope-token characters, as the library checks them.
const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const ID = /^[0-9A-Za-z._-]{1,128}$/;
const OPTIONS_WITH_VALUE = new Set([
  "--scope",
  "--resource",
  "--tenant",
  "--credential",
  "--client-id",
  "--output",
  "--port",
]);
const ALIASES: Record<string, string> = {
  "-s": "--scope",
  "-t": "--tenant",
  "-c": "--credential",
  "-o": "--output",
  "-h": "--help",
  "-V": "--version",
};
const FLAGS = new Set(["--decode", "--disable-instance-discovery", "--help", "--version"]);

/** An option name for a message; anything else (a value, a mistyped secret) is never echoed. */
function shownOption(arg: string, index: number): string {
  return /^--?[a-z][a-z0-9-]{0,24}$/.test(arg) ? arg : `at position ${index + 1}`;
}

function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(
    "ERR_USAGE_INVALID_VALUE",
    `${option} must be one of ${allowed.join(", ")}.`,
  );
}

/** Splits argv into options (last value of each, all values of repeatable ones) and positionals. */
function tokenize(argv: readonly string[]) {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const raw = eq > 0 ? arg.slice(0, eq) : arg;
    const name = ALIASES[raw] ?? raw;
    if (FLAGS.has(name)) {
      if (eq > 0) throw new UsageError("ERR_USAGE_INVALID_VALUE", `${name} takes no value.`);
      values.set(name, [...(values.get(name) ?? []), ""]);
      continue;
    }
    if (!OPTIONS_WITH_VALUE.has(name)) {
      throw new UsageError("ERR_USAGE_UNKNOWN_OPTION", `unknown option ${shownOption(raw, i)}.`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("-") && value !== "-")) {
      throw new UsageError("ERR_USAGE_MISSING_VALUE", `${name} needs a value.`);
    }
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { values, positionals };
}

function parseEmulator(values: Map<string, string[]>): EmulatorCommand {
  const other = [...values.keys()].find((name) => name !== "--port");
  if (other) {
    throw new UsageError("ERR_USAGE_CONFLICT", `${other} does not apply to entra-token emulator.`);
  }
  const text = values.get("--port")?.at(-1) ?? "0";
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError("ERR_USAGE_INVALID_VALUE", `--port must be 0 to 65535.`);
  }
  return { kind: "emulator", port };
}

function scopesOf(values: Map<string, string[]>): string[] {
  const scopes = values.get("--scope") ?? [];
  const resources = values.get("--resource") ?? [];
  if (scopes.length && resources.length) {
    throw new UsageError("ERR_USAGE_CONFLICT", "give --scope or --resource, not both.");
  }
  if (!scopes.length && !resources.length) {
    throw new UsageError(
      "ERR_USAGE_MISSING_OPTION",
      "--scope is required, e.g. --scope https://management.azure.com/.default.",
    );
  }
  // A resource is a URI: its scope is `<resource>/.default` (as `az --resource` does).
  const all = [...scopes, ...resources.map((r) => `${r.replace(/\/+$/, "")}/.default`)];
  const list = all.flatMap((s) => s.split(" ")).filter(Boolean);
  if (!list.length) throw new UsageError("ERR_USAGE_INVALID_VALUE", "--scope is empty.");
  for (const scope of list) {
    if (!SCOPE.test(scope)) {
      throw new UsageError(
        "ERR_USAGE_INVALID_VALUE",
        `scope ${list.indexOf(scope) + 1} holds characters a scope cannot (spaces, quotes, backslashes, controls or non-ASCII).`,
      );
    }
  }
  return list;
}

function idOption(values: Map<string, string[]>, name: string): string | undefined {
  const value = values.get(name)?.at(-1);
  if (value !== undefined && !ID.test(value)) {
    throw new UsageError(
      "ERR_USAGE_INVALID_VALUE",
      `${name} must be an id or domain (letters, digits, ".", "-", "_").`,
    );
  }
  return value;
}

/**
 * Parses `entra-token`'s arguments (without `node` and the script path).
 *
 * @throws UsageError with a stable code: unknown option, missing value or option, invalid value,
 *   conflicting options.
 */
export function parseArguments(argv: readonly string[]): Command {
  const { values, positionals } = tokenize(argv);
  if (values.has("--help")) return { kind: "help" };
  if (values.has("--version")) return { kind: "version" };
  const [subcommand, ...extra] = positionals;
  if (subcommand === "emulator" && !extra.length) return parseEmulator(values);
  if (positionals.length) {
    throw new UsageError(
      "ERR_USAGE_UNKNOWN_OPTION",
      `unexpected argument (not echoed). The only subcommand is "emulator"; options start with "--".`,
    );
  }
  if (values.has("--port")) {
    throw new UsageError("ERR_USAGE_CONFLICT", "--port applies to entra-token emulator only.");
  }
  const scopes = scopesOf(values);
  const credential = oneOf(
    "--credential",
    values.get("--credential")?.at(-1) ?? "default",
    CREDENTIAL_NAMES,
  );
  const outputs = values.get("--output");
  const output = oneOf("--output", outputs?.at(-1) ?? "token", OUTPUT_FORMATS);
  const decode = values.has("--decode");
  if (decode && outputs) {
    throw new UsageError(
      "ERR_USAGE_CONFLICT",
      "--decode prints the token's header and claims as JSON; it cannot be combined with --output.",
    );
  }
  const tenantId = idOption(values, "--tenant");
  const clientId = idOption(values, "--client-id");
  if (clientId !== undefined && NO_CLIENT_ID.has(credential)) {
    throw new UsageError(
      "ERR_USAGE_CONFLICT",
      `--client-id does not apply to --credential ${credential}, which signs in with the tool's own app.`,
    );
  }
  if (tenantId !== undefined && NO_TENANT.has(credential)) {
    throw new UsageError(
      "ERR_USAGE_CONFLICT",
      `--tenant does not apply to --credential ${credential}: ${credential === "environment" ? "set AZURE_TENANT_ID" : "the host decides the tenant"}.`,
    );
  }
  const disableInstanceDiscovery = values.has("--disable-instance-discovery");
  const command: TokenCommand = {
    kind: "token",
    scopes,
    credential,
    output,
    decode,
    disableInstanceDiscovery,
  };
  if (tenantId !== undefined) command.tenantId = tenantId;
  if (clientId !== undefined) command.clientId = clientId;
  return command;
}
