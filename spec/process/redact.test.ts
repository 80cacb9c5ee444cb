import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeClixml, summarizeOutput } from "../../lib/process/redact.js";
import { redactSecrets } from "../../lib/util/redact.js";

const secretCases: Array<[string, string]> = [
  ['{"accessToken": "secret value', '{"accessToken": "[REDACTED]'],
  ['{"accessToken": "secret value"', '{"accessToken": "[REDACTED]"'],
  [
    '{"accessToken": "secret value", junk, "accessToken": "again"}',
    '{"accessToken": "[REDACTED]", junk, "accessToken": "[REDACTED]"}',
  ],
  ['{"token":"abc","expiresOn":"x"}', '{"token":"[REDACTED]","expiresOn":"x"}'],
  ["Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln rest", "Bearer [REDACTED] rest"],
  ["key " + "A".repeat(39) + " end", "key " + "A".repeat(39) + " end"],
  ["key " + "Ab0+/".repeat(10) + " end", "key [REDACTED] end"],
  ["no secrets or json here", "no secrets or json here"],
  ["https://management.azure.com/.default", "https://management.azure.com/.default"],
];

for (const [input, expected] of secretCases) {
  test(`redacts ${JSON.stringify(input.slice(0, 40))}`, () =>
    assert.equal(redactSecrets(input), expected));
}

test("decodes PowerShell CLIXML error records, including the PS7 ANSI variant", () => {
  const clixml =
    '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">Get-AzAccessToken : Run Connect-AzAccount to login._x000D__x000A_</S><S S="Error">&lt;x&gt; &amp; y_x000D__x000A_</S></Objs>';
  assert.equal(
    decodeClixml(clixml),
    "Get-AzAccessToken : Run Connect-AzAccount to login.\r\n<x> & y\r\n",
  );
  const ansi =
    '#< CLIXML <Objs><S S="Error">_x001B_[91mRun Connect-AzAccount to login._x001B_[0m</S></Objs>';
  assert.equal(summarizeOutput(ansi), "Run Connect-AzAccount to login.");
  assert.equal(decodeClixml("plain"), "plain");
});

test("summarizeOutput trims, normalizes newlines, redacts and caps", () => {
  assert.equal(summarizeOutput("\r\n  ERROR: x eyJa.eyJb.c  \r\n"), "ERROR: x [REDACTED]");
  assert.equal(summarizeOutput("x".repeat(20), 10), "xxxxxxxxxx…");
});
