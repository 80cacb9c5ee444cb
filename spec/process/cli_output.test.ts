import { test } from "node:test";
import assert from "node:assert/strict";
import {
  extractAzdErrorMessage,
  parseAzdOutput,
  parseAzureCliOutput,
  parsePowerShellOutput,
  parseToolTime,
  type ParseResult,
  decodeClixml,
  summarizeOutput,
} from "../../lib/process/cli_output.js";
import { redactSecrets } from "../../lib/util/redact.js";

const JAN_1_2024_NOON_UTC = Date.UTC(2024, 0, 1, 12, 0, 0);
const localNoon = (ms = 0) => new Date(2024, 0, 1, 12, 0, 0, ms).getTime();

function ok(result: ParseResult, token: string, expiresOnTimestamp: number): void {
  assert.deepEqual(result, { token, expiresOnTimestamp, tokenType: "Bearer" });
}

function bad(result: ParseResult, gist: RegExp): void {
  assert.equal(typeof result, "string");
  assert.match(result as string, gist);
}

const azCases: Array<[string, string, (r: ParseResult) => void]> = [
  [
    "expires_on epoch number wins over expiresOn",
    '{"accessToken":"t","expiresOn":"2030-01-01 00:00:00.000000","expires_on":1704110400}',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC),
  ],
  [
    "expires_on as numeric string",
    '{"accessToken":"t","expires_on":"1704110400"}',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC),
  ],
  [
    "expiresOn local time with microseconds",
    '{"accessToken":"t","expiresOn":"2024-01-01 12:00:00.000000"}',
    (r) => ok(r, "t", localNoon()),
  ],
  [
    "expiresOn local time with milliseconds kept",
    '{"accessToken":"t","expiresOn":"2024-01-01 12:00:00.123456"}',
    (r) => ok(r, "t", localNoon(123)),
  ],
  [
    "expiresOn local time without fraction",
    '{"accessToken":"t","expiresOn":"2024-01-01 12:00:00"}',
    (r) => ok(r, "t", localNoon()),
  ],
  [
    "surrounding whitespace",
    '\n  {"accessToken":"t","expires_on":1704110400}\n',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC),
  ],
  [
    "bad expires_on",
    '{"accessToken":"t","expires_on":"soon"}',
    (r) => bad(r, /"expires_on" is not a whole number/),
  ],
  ["negative expires_on", '{"accessToken":"t","expires_on":-5}', (r) => bad(r, /"expires_on"/)],
  [
    "expires_on 1e303 was accepted",
    '{"accessToken":"t","expires_on":1e303}',
    (r) =>
      bad(r, /"expires_on" is not a whole number of seconds since the epoch, at most a year ahead/),
  ],
  [
    "expires_on more than a year ahead was accepted",
    `{"accessToken":"t","expires_on":${Math.floor(Date.now() / 1000) + 366 * 86400}}`,
    (r) => bad(r, /"expires_on" .*at most a year ahead/),
  ],
  [
    "bad expiresOn",
    '{"accessToken":"t","expiresOn":"tomorrow"}',
    (r) => bad(r, /"expiresOn" is not a time/),
  ],
  [
    "impossible date",
    '{"accessToken":"t","expiresOn":"2024-02-30 12:00:00.000000"}',
    (r) => bad(r, /"expiresOn"/),
  ],
  ["no expiry", '{"accessToken":"t"}', (r) => bad(r, /neither "expires_on" nor "expiresOn"/)],
  ["no token", '{"expires_on":1704110400}', (r) => bad(r, /"accessToken" is missing/)],
  [
    "empty token",
    '{"accessToken":"","expires_on":1704110400}',
    (r) => bad(r, /"accessToken" is missing/),
  ],
  ["not JSON", "ERROR: oops", (r) => bad(r, /not JSON \(it began with "ERROR: oops"\)/)],
  [
    "truncated JSON keeps the token out",
    '{"accessToken": "eyJhbGciOi.eyJzdWIi.sig',
    (r) => {
      bad(r, /not JSON/);
      assert.doesNotMatch(r as string, /eyJ/);
    },
  ],
  ["array", "[1]", (r) => bad(r, /not an object/)],
  ["null", "null", (r) => bad(r, /not an object/)],
  ["empty", "  \n", (r) => bad(r, /empty/)],
];

for (const [name, stdout, check] of azCases) {
  test(`az output: ${name}`, () => check(parseAzureCliOutput(stdout)));
}

test("az local expiresOn really is read in the local time zone", () => {
  const saved = process.env.TZ;
  try {
    process.env.TZ = "Asia/Kolkata";
    ok(
      parseAzureCliOutput('{"accessToken":"t","expiresOn":"2024-01-01 17:30:00.000000"}'),
      "t",
      JAN_1_2024_NOON_UTC,
    );
    process.env.TZ = "America/New_York";
    ok(
      parseAzureCliOutput('{"accessToken":"t","expiresOn":"2024-01-01 07:00:00.000000"}'),
      "t",
      JAN_1_2024_NOON_UTC,
    );
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

const azdCases: Array<[string, string, (r: ParseResult) => void]> = [
  [
    "UTC time",
    '{"token":"t","expiresOn":"2024-01-01T12:00:00Z"}',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC),
  ],
  [
    "offset time",
    '{"token":"t","expiresOn":"2024-01-01T14:00:00+02:00"}',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC),
  ],
  [
    "fractional seconds",
    '{"token":"t","expiresOn":"2024-01-01T12:00:00.5Z"}',
    (r) => ok(r, "t", JAN_1_2024_NOON_UTC + 500),
  ],
  [
    "bad time",
    '{"token":"t","expiresOn":"soon"}',
    (r) => bad(r, /"expiresOn" is not an ISO 8601 time/),
  ],
  [
    "numeric time",
    '{"token":"t","expiresOn":1704110400}',
    (r) => bad(r, /"expiresOn" is missing or not a string/),
  ],
  ["no token", '{"expiresOn":"2024-01-01T12:00:00Z"}', (r) => bad(r, /"token" is missing/)],
  ["garbage", "nope", (r) => bad(r, /not JSON/)],
];

for (const [name, stdout, check] of azdCases) {
  test(`azd output: ${name}`, () => check(parseAzdOutput(stdout)));
}

const pwshCases: Array<[string, string, (r: ParseResult) => void]> = [
  ["marker line", "entrazero%tok%1704110400\n", (r) => ok(r, "tok", JAN_1_2024_NOON_UTC)],
  [
    "banner before the marker",
    "Welcome\r\nto PowerShell\r\n\r\nentrazero%tok%1704110400\r\n",
    (r) => ok(r, "tok", JAN_1_2024_NOON_UTC),
  ],
  ["no marker", "Welcome", (r) => bad(r, /token line is missing/)],
  ["no token", "entrazero%%1704110400", (r) => bad(r, /no token/)],
  ["no expiry", "entrazero%tok%", (r) => bad(r, /no expiry/)],
  [
    "an expiry of 12 digits, thousands of years ahead, was accepted",
    "entrazero%tok%999999999999",
    (r) => bad(r, /no expiry, at most a year ahead/),
  ],
  ["extra field", "entrazero%tok%1704110400%x", (r) => bad(r, /no token/)],
];

for (const [name, stdout, check] of pwshCases) {
  test(`PowerShell output: ${name}`, () => check(parsePowerShellOutput(stdout)));
}

test("parseToolTime refuses zone-less ISO with junk and accepts both separators", () => {
  assert.equal(parseToolTime("2024-01-01T12:00:00"), localNoon());
  assert.equal(parseToolTime("2024-01-01 12:00:00Zjunk"), undefined);
  assert.equal(parseToolTime(""), undefined);
});

const azdErrors: Array<[string, string, string]> = [
  [
    "azd >= 1.24 error object",
    '{"error":"not logged in, run `azd auth login` to login","message":"Authentication with Azure failed.","suggestion":"Run \'azd auth login\' to sign in again."}\n',
    "not logged in, run `azd auth login` to login Authentication with Azure failed. Run 'azd auth login' to sign in again.",
  ],
  [
    "azd 1.23.x consoleMessage then error object",
    '{"type":"consoleMessage","data":{"message":"\\nERROR: first"}}\n{"error":"second","message":"m"}\n',
    "second m",
  ],
  [
    "legacy consoleMessage",
    '{"type":"consoleMessage","timestamp":"t","data":{"message":"\\nERROR: legacy\\n"}}\n',
    "ERROR: legacy",
  ],
  ["plain text", "ERROR: plain\n", "ERROR: plain\n"],
  ["broken JSON line", "{not json\n", "{not json\n"],
];

for (const [name, stderr, expected] of azdErrors) {
  test(`azd stderr: ${name}`, () => assert.equal(extractAzdErrorMessage(stderr), expected));
}

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
