/**
 * Reading what `az`, `azd` and the PowerShell script print: pure parsers that never throw and never
 * put a token into a failure reason, and the cleaning that makes stderr fit for an error message.
 *
 * @module
 */
import { inBounds } from "../oauth/token_response.js";
import type { AccessToken } from "../types.js";
import { asRecord, parseJson } from "../util/json.js";
import { redactSecrets } from "../util/redact.js";

/** A token read from a tool's output, or why the output was not usable (safe to show). */
export type ParseResult = AccessToken | string;

/** The line the PowerShell script prints on success: marker, token, expiry in epoch seconds. */
export const POWERSHELL_TOKEN_MARKER = "entrazero%";

/** What the PowerShell script prints when Az.Accounts ≥ 2.2.0 cannot be imported. */
export const POWERSHELL_NO_MODULE_MARKER = "ENTRA_ZERO_NO_AZ_ACCOUNTS";

const AZ_LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A Bearer token expiring at `expires`, or `reason` when it is unreadable or over a year ahead
 * (a sanity bound against the clock, not an expiry decision).
 */
function bearer(token: string, expires: number | undefined, reason: string): ParseResult {
  if (!inBounds(expires, Date.now())) return `${reason}, at most a year ahead`;
  return { token, expiresOnTimestamp: expires, tokenType: "Bearer" };
}

function parseObject(stdout: string): Record<string, unknown> | string {
  const text = stdout.trim();
  if (text === "") return "the output was empty";
  const value = parseJson(text);
  if (value === undefined)
    return `the output was not JSON (it began with "${redactSecrets(stripAnsi(text.slice(0, 60)))}")`;
  return asRecord(value) ?? "the output was JSON but not an object";
}

/**
 * Reads a naive `YYYY-MM-DD HH:MM:SS[.ffffff]` time (as `az` prints `expiresOn`) in the local time
 * zone, or an ISO 8601 time with a zone.
 *
 * @returns milliseconds since the epoch, or `undefined` when the text is in neither form.
 */
export function parseToolTime(text: string): number | undefined {
  const local = text.trim().match(AZ_LOCAL_TIME);
  if (local) {
    const [y, mo, d, h, mi, s] = local.slice(1, 7).map(Number);
    const ms = Math.floor(Number(`0.${local[7] ?? "0"}`) * 1000);
    const date = new Date(y, mo - 1, d, h, mi, s, ms);
    return date.getMonth() === mo - 1 ? date.getTime() : undefined;
  }
  const ms = ISO_WITH_ZONE.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

function epochSeconds(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return value * 1000;
  if (typeof value === "string" && /^\d{1,12}$/.test(value.trim()))
    return Number(value.trim()) * 1000;
  return undefined;
}

/**
 * Parses `az account get-access-token --output json`: `accessToken`, and the expiry from
 * `expires_on` (epoch seconds, az ≥ 2.54.0) when present, else from `expiresOn` (local time).
 */
export function parseAzureCliOutput(stdout: string): ParseResult {
  const body = parseObject(stdout);
  if (typeof body === "string") return body;
  if (typeof body.accessToken !== "string" || body.accessToken === "")
    return `"accessToken" is missing or not a non-empty string`;
  if (body.expires_on !== undefined) {
    const reason = `"expires_on" is not a whole number of seconds since the epoch`;
    return bearer(body.accessToken, epochSeconds(body.expires_on), reason);
  }
  if (typeof body.expiresOn !== "string") return `neither "expires_on" nor "expiresOn" is present`;
  const reason = `"expiresOn" is not a time like "2024-01-01 12:00:00.000000"`;
  return bearer(body.accessToken, parseToolTime(body.expiresOn), reason);
}

/** Parses `azd auth token --output json`: `token` and `expiresOn` (ISO 8601). */
export function parseAzdOutput(stdout: string): ParseResult {
  const body = parseObject(stdout);
  if (typeof body === "string") return body;
  if (typeof body.token !== "string" || body.token === "")
    return `"token" is missing or not a non-empty string`;
  if (typeof body.expiresOn !== "string") return `"expiresOn" is missing or not a string`;
  return bearer(body.token, parseToolTime(body.expiresOn), `"expiresOn" is not an ISO 8601 time`);
}

/**
 * Parses the PowerShell script's output: the first whitespace-separated word starting with
 * {@link POWERSHELL_TOKEN_MARKER}, split into token and epoch seconds. Text before it (profile
 * banners, warnings) is ignored.
 */
export function parsePowerShellOutput(stdout: string): ParseResult {
  const word = stripAnsi(stdout)
    .split(/\s+/)
    .find((w) => w.startsWith(POWERSHELL_TOKEN_MARKER));
  if (word === undefined) return "the token line is missing";
  const [, token = "", seconds = "", ...rest] = word.split("%");
  if (token === "" || rest.length > 0) return "the token line has no token";
  return bearer(token, epochSeconds(seconds), "the token line has no expiry");
}

/**
 * The message inside `azd`'s stderr: the first JSON line with a string `error` (azd ≥ 1.24:
 * `{"error","message","suggestion"}`, joined), else the first legacy
 * `{"type":"consoleMessage","data":{"message"}}`, else the text unchanged.
 */
export function extractAzdErrorMessage(stderr: string): string {
  const objects = stderr
    .split(/\r?\n/)
    .map((line) => asRecord(parseJson(line.trim())))
    .filter((o) => o !== undefined);
  const modern = objects.find((o) => typeof o.error === "string");
  if (modern) {
    return [modern.error, modern.message, modern.suggestion]
      .map((part) => (typeof part === "string" ? part.trim() : ""))
      .filter(Boolean)
      .join(" ");
  }
  for (const o of objects) {
    const data = asRecord(o.data);
    if (o.type === "consoleMessage" && typeof data?.message === "string")
      return data.message.trim();
  }
  return stderr;
}

/**
 * Turns PowerShell's CLIXML error stream (`#< CLIXML <Objs …><S S="Error">…</S>`) into plain text;
 * other text is returned unchanged.
 */
export function decodeClixml(text: string): string {
  const start = text.indexOf("#< CLIXML");
  if (start < 0) return text;
  const records = [...text.slice(start).matchAll(/<S S="(?:Error|Warning)">([\s\S]*?)<\/S>/g)];
  const entities: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };
  const decoded = records.map(([, record = ""]) =>
    record
      .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => entities[name] as string),
  );
  return text.slice(0, start) + decoded.join("");
}

/** Strips ANSI colour and cursor sequences. */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/**
 * The text of a tool's stderr (or stdout) as it may appear in an error message: CLIXML decoded,
 * ANSI stripped, secrets redacted, trimmed, and cut to `maxLength` characters.
 */
export function summarizeOutput(text: string, maxLength = 1000): string {
  const clean = redactSecrets(stripAnsi(decodeClixml(text)))
    .replace(/\r\n?/g, "\n")
    .trim();
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean;
}
