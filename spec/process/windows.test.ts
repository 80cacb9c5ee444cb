import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildWindowsBatchInvocation,
  quoteWindowsBatchArgument,
  UnsafeWindowsArgumentError,
  windowsSystemRoot,
} from "../../lib/process/windows.js";

// These rules only run on Windows, but they are pure string functions, so they are tested everywhere.

const accepted: Array<[string, string]> = [
  ["account", '"account"'],
  ["get-access-token", '"get-access-token"'],
  ["https://management.azure.com", '"https://management.azure.com"'],
  ["api://abc-123/.default", '"api://abc-123/.default"'],
  ["72f988bf-86f1-41af-91ab-2d7cd011db47", '"72f988bf-86f1-41af-91ab-2d7cd011db47"'],
  ["My Subscription_1.0", '"My Subscription_1.0"'],
  [
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==",
    '"eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ=="',
  ],
  ["a+b/c=", '"a+b/c="'],
  ["", '""'],
];

for (const [argument, quoted] of accepted) {
  test(`quotes the allowed argument ${JSON.stringify(argument)}`, () => {
    assert.equal(quoteWindowsBatchArgument(argument), quoted);
  });
}

const refused = [
  "a;b",
  "a&&b",
  "a&b",
  "a|b",
  "a`b",
  "$(calc)",
  'a"b',
  "a'b",
  "a\nb",
  "a\rb",
  "%PATH%",
  "a!b!",
  "a^b",
  "a<b",
  "a>b",
  "(a)",
  "a\\",
  "C:\\path",
  "a\tb",
  "a\u0000b",
  "ä",
  "a,b",
  "a*b",
  "a?b",
];

for (const argument of refused) {
  test(`refuses ${JSON.stringify(argument)} for cmd.exe`, () => {
    assert.throws(
      () => quoteWindowsBatchArgument(argument, 3),
      (e: unknown) =>
        e instanceof UnsafeWindowsArgumentError &&
        e.code === "ERR_UNSAFE_WINDOWS_BATCH_ARGUMENT" &&
        e.index === 3 &&
        /Argument 3/.test(e.message),
    );
  });
}

test("builds the cmd.exe invocation: System32 cmd.exe, /d /s /v:off /c and one quoted line", () => {
  const invocation = buildWindowsBatchInvocation(
    "C:\\Windows",
    "C:\\Program Files (x86)\\Microsoft SDKs\\Azure\\CLI2\\wbin\\az.cmd",
    [
      "account",
      "get-access-token",
      "--resource",
      "https://vault.azure.net",
      "--subscription",
      "My Sub",
    ],
  );
  assert.deepEqual(invocation, {
    file: "C:\\Windows\\System32\\cmd.exe",
    args: [
      "/d",
      "/s",
      "/v:off",
      "/c",
      '""C:\\Program Files (x86)\\Microsoft SDKs\\Azure\\CLI2\\wbin\\az.cmd" "account" "get-access-token" "--resource" "https://vault.azure.net" "--subscription" "My Sub""',
    ],
    windowsVerbatimArguments: true,
  });
});

test("refuses a launcher path that is relative or holds %, ! or a quote", () => {
  for (const path of [
    "az.cmd",
    ".\\az.cmd",
    "C:\\%USERNAME%\\az.cmd",
    "C:\\a!b\\az.cmd",
    'C:\\a"b\\az.cmd',
  ]) {
    assert.throws(
      () => buildWindowsBatchInvocation("C:\\Windows", path, []),
      (e: unknown) =>
        e instanceof UnsafeWindowsArgumentError &&
        e.index === -1 &&
        /launcher path/.test(e.message),
      path,
    );
  }
});

test("refuses the whole invocation when any argument is unsafe, naming its position", () => {
  assert.throws(
    () =>
      buildWindowsBatchInvocation("C:\\Windows", "C:\\az.cmd", ["account", "--tenant", "x & calc"]),
    (e: unknown) => e instanceof UnsafeWindowsArgumentError && e.index === 2,
  );
});

test("finds SystemRoot in any case and falls back to C:\\Windows", () => {
  assert.equal(windowsSystemRoot({ SYSTEMROOT: "D:\\Win" }), "D:\\Win");
  assert.equal(windowsSystemRoot({ SystemRoot: "E:\\Windows" }), "E:\\Windows");
  assert.equal(windowsSystemRoot({}), "C:\\Windows");
  assert.equal(windowsSystemRoot({ SystemRoot: "C:\\%x%" }), "C:\\Windows");
});
