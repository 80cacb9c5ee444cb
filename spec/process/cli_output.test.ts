import { test } from "node:test";
import assert from "node:assert/strict";
import {
  extractAzdErrorMessage,
  parseAzdOutput,
  parseAzureCliOutput,
  parsePowerShellOutput,
  parseToolTime,
  type ParseResult,
} from "../../lib/process/cli_output.js";

const JAN_1_2024_NOON_UTC = Date.UTC(2024, 0, 1, 12, 0, 0);
const localNoon = (ms = 0) => new Date(2024, 0, 1, 12, 0, 0, ms).getTime();

function ok(result: ParseResult, token: string, expiresOnTimestamp: number): void {
  assert.deepEqual(result, { ok: true, value: { token, expiresOnTimestamp } });
}

function bad(result: ParseResult, gist: RegExp): void {
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, gist);
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
      if (!r.ok) assert.doesNotMatch(r.reason, /eyJ/);
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
