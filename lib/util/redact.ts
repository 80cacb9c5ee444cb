/** What replaces a redacted value. */
export const REDACTED = "[REDACTED]";

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g;
const SECRET_JSON_FIELD =
  /("(?:access_?token|refresh_?token|token|id_?token|secret|client_secret|client_assertion|assertion|password|code|device_code)"\s*:\s*")[^"]*("|$)/gi;
const SECRET_FORM_FIELD =
  /(\b(?:access_token|refresh_token|id_token|client_secret|client_assertion|assertion|password|code|device_code)=)[^&\s"'<]+/gi;
const LONG_RUN = /[A-Za-z0-9+/_=-]{40,}/g;

/** How a reply may write a character besides itself, JSON-escaped and percent-encoded. */
const ALSO: Record<string, string> = { "/": "\\/", " ": "+" };

/**
 * Past this length a secret is replaced in its whole-string forms only, without a pattern: a
 * per-character pattern costs about 0.1 ms per character to compile, and one for a secret of some
 * 10,000 characters (a long device code or assertion) exceeds V8's size limit and throws a raw
 * `SyntaxError` ("Regular expression too large").
 */
const PER_CHARACTER_LIMIT = 256;

/** A long secret as sent, JSON-escaped (with or without `\/`) and percent-encoded (either hex case, `+` or `%20`). */
function wholeForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const percent = encodeURIComponent(secret);
  const lower = percent.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
  const forms = [secret, json, json.replaceAll("/", "\\/"), percent, lower];
  return [...forms, ...forms.map((f) => f.replaceAll("%20", "+"))];
}

/**
 * A pattern for a secret as sent or as a reply may echo it: any of its characters JSON-escaped
 * (`\"`, `\/`, `\u00e9`) or percent-encoded (`%2F`, `+`), hex in either case. Longer forms come
 * first, so `%25` is not matched as `%` with `25` left over.
 */
function patternOf(secret: string): string {
  const u16 = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const hex = (c: string) => Buffer.from(c).toString("hex").replace(/../g, "%$&");
  const escape = (form: string) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...secret]
    .map((c) => [c.replace(/[^]/g, u16), hex(c), JSON.stringify(c).slice(1, -1), ALSO[c] ?? c, c])
    .map((forms) => `(?:${[...new Set(forms)].map(escape).join("|")})`)
    .join("");
}

/**
 * Removes secrets from text meant for a message or log line: each of `knownSecrets` (the values a
 * request carried), whatever its length and in every form a reply may echo it, then JWTs, the
 * values of token-bearing JSON and form fields, and any run of 40 or more base64 or hex characters.
 */
export function redactSecrets(text: string, knownSecrets: readonly string[] = []): string {
  // One pass, longest first: a shorter secret never cuts a longer one or a `[REDACTED]`.
  const secrets = knownSecrets.filter(Boolean).sort((a, b) => b.length - a.length);
  const short = secrets.filter((secret) => secret.length <= PER_CHARACTER_LIMIT);
  const known = short.length ? new RegExp(short.map(patternOf).join("|"), "gi") : /(?!)/g;
  let redacted = text;
  for (const secret of secrets.filter((s) => s.length > PER_CHARACTER_LIMIT))
    for (const form of new Set(wholeForms(secret))) redacted = redacted.replaceAll(form, REDACTED);
  return redacted
    .replace(known, REDACTED)
    .replace(SECRET_JSON_FIELD, `$1${REDACTED}$2`)
    .replace(SECRET_FORM_FIELD, `$1${REDACTED}`)
    .replace(JWT, REDACTED)
    .replace(LONG_RUN, REDACTED);
}

/**
 * The one way a server's text (a body, an error field, an echoed header) enters a message:
 * redacted whole, then made one line (controls and line breaks, which could forge a log line,
 * become a space), then cut to `max` characters: cutting first would leave a secret's head that no
 * longer matches.
 */
export function serverText(text: string, knownSecrets: readonly string[] = [], max = 400): string {
  const clean = redactSecrets(text, knownSecrets)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
    .trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
