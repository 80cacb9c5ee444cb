/**
 * Makes a tool's output fit for an error message: control sequences removed, PowerShell CLIXML
 * decoded, anything token-like replaced, whitespace trimmed, length capped.
 *
 * @module
 */
import { redactSecrets } from "../util/redact.js";

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/**
 * Turns PowerShell's CLIXML error stream (`#< CLIXML <Objs …><S S="Error">…</S>`) into plain text;
 * other text is returned unchanged.
 */
export function decodeClixml(text: string): string {
  const start = text.indexOf("#< CLIXML");
  if (start < 0) return text;
  const lines: string[] = [];
  for (const match of text.slice(start).matchAll(/<S S="(?:Error|Warning)">([\s\S]*?)<\/S>/g)) {
    lines.push(
      (match[1] ?? "")
        .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, "&"),
    );
  }
  return text.slice(0, start) + lines.join("");
}

/** Strips ANSI colour and cursor sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
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
