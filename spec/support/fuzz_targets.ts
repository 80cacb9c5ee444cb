/**
 * One fuzz target per parser of untrusted input, shared by spec/reliability/fuzz.test.ts (a bounded
 * slice) and bench/fuzz.mjs (the long campaign). Each target has valid seeds and a `run` that feeds
 * one input to the parser; an input passes when the parser returns a sane value or throws one of
 * the package's typed errors with a code (see {@link judge}).
 *
 * @module
 */
import { readFileSync, readdirSync } from "node:fs";
import { parseArcChallenge } from "../../lib/credentials/managed_identity/azure_arc.js";
import { parseManagedIdentityResponse } from "../../lib/credentials/managed_identity/response.js";
import {
  accountsOf,
  findAccessToken,
  parseMsalCache,
  serializeMsalCache,
} from "../../lib/cache/msal_cache_format.js";
import { parseCiOidcResponse } from "../../lib/credentials/ci_oidc_response.js";
import { pipelinesOidcEndpoint } from "../../lib/credentials/pipelines_oidc.js";
import { decodeDer } from "../../lib/cert/der.js";
import { parsePem } from "../../lib/cert/pem.js";
import { parsePkcs12 } from "../../lib/cert/pkcs12.js";
import {
  AbortError,
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
  TokenCacheError,
} from "../../lib/errors.js";
import type { HttpResponse } from "../../lib/http/transport.js";
import { readJsonResponse } from "../../lib/http/json_response.js";
import {
  accountFromTokenResponse,
  deserializeAuthenticationRecord,
} from "../../lib/oauth/authentication_record.js";
import { parseDeviceCodeResponse } from "../../lib/oauth/device_code_flow.js";
import { parseTokenResponse } from "../../lib/oauth/token_response.js";
import {
  decodeClixml,
  extractAzdErrorMessage,
  parseAzdOutput,
  parseAzureCliOutput,
  parsePowerShellOutput,
  summarizeOutput,
} from "../../lib/process/cli_output.js";
import { fixturePath } from "./fixtures.js";
import { headerOffsets, mutate as mutatePfx, Prng } from "./fuzz.js";

/** A parser under fuzz. */
export interface FuzzTarget {
  /** Short name printed in the counts. */
  name: string;
  /** Valid inputs that mutations start from. */
  seeds: Buffer[];
  /** Feeds one input; returns the parser's result or throws what it threw. */
  run(input: Buffer): unknown;
  /** Optional check of a successful result: returns a complaint or undefined. */
  check?(result: unknown): string | undefined;
  /** Relative share of the inputs (default 1); slow parsers (key decryption, PKCS#12) get less. */
  weight?: number;
  /** Makes inputs itself instead of the generic text mutator (PKCS#12 keeps its DER-aware one). */
  generate?(prng: Prng): Buffer;
}

const TYPED = [
  TokenCacheError,
  AbortError,
  AggregateAuthenticationError,
  AuthenticationError,
  AuthenticationRequiredError,
  CertificateError,
  CredentialUnavailableError,
  InvalidArgumentError,
];

/** Characters server text must never carry into an error message (log injection). */
const CONTROL = /[\r\0\u2028\u2029]/;

/**
 * The verdict on one outcome: undefined when it passes, else why it fails. A thrown error passes
 * when it is one of lib/errors.ts's classes with a non-empty string `code` and a message free of
 * CR, NUL and Unicode line separators.
 */
export function judge(
  target: FuzzTarget,
  outcome: { error?: unknown; result?: unknown },
): string | undefined {
  if ("error" in outcome) {
    const error = outcome.error;
    if (!TYPED.some((c) => error instanceof c)) return `foreign exception: ${String(error)}`;
    const { code, message } = error as Error & { code?: unknown };
    if (typeof code !== "string" || code === "") return `typed error without a code: ${message}`;
    if (/[\n\r\0\u2028\u2029]/.test(code)) return `line break in code: ${JSON.stringify(code)}`;
    if (CONTROL.test(message)) return `control character in message: ${JSON.stringify(message)}`;
    return undefined;
  }
  return target.check?.(outcome.result);
}

/** The outcome's bucket for counting: `ok`, the error's `ERR_…` code, or "server's error code". */
export function bucket(outcome: { error?: unknown }): string {
  if (!("error" in outcome)) return "ok";
  const code = String((outcome.error as { code?: unknown }).code);
  return code.startsWith("ERR_") ? code : "server's error code";
}

/** Runs one input through a target and returns what happened. */
export function attempt(target: FuzzTarget, input: Buffer): { error?: unknown; result?: unknown } {
  try {
    return { result: target.run(input) };
  } catch (error) {
    return { error };
  }
}

// ---- input generation ----

const DICTIONARY = [
  '"',
  "\\",
  "\\u0000",
  "\\ud800",
  "{",
  "}",
  "[",
  "]",
  ",",
  ":",
  "null",
  "true",
  "-1",
  "0",
  "1e309",
  "1e303",
  "-0",
  "NaN",
  "9".repeat(400),
  "\r\n",
  "\0",
  "\u2028",
  "%",
  "entrazero%",
  "-----BEGIN CERTIFICATE-----\n",
  "-----END CERTIFICATE-----\n",
  "-----BEGIN PRIVATE KEY-----\n",
  '{"a":',
  "__proto__",
  "constructor",
  "#< CLIXML",
  '<S S="Error">',
  "_x000A_",
  "\x1b[31m",
  "2024-01-01 12:00:00.000000",
  "2024-02-30T00:00:00Z",
];

const JSON_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e303,
  Number.MAX_SAFE_INTEGER,
  0.5,
  "",
  " ",
  "x",
  "1e309",
  "9".repeat(400),
  "-5",
  "Bearer",
  "pop",
  "\r\nX-Injected: 1",
  "\0",
  "\u2028",
  "06/20/2019 02:57:58 +00:00",
  [],
  {},
  ["a"],
  { message: "m\r\nn" },
  "A".repeat(5000),
];

function randomBytes(prng: Prng, max: number): Buffer {
  const out = Buffer.alloc(prng.below(max + 1));
  for (let i = 0; i < out.length; i++) out[i] = prng.below(256);
  return out;
}

function randomText(prng: Prng): Buffer {
  const parts: string[] = [];
  for (let n = 1 + prng.below(12); n > 0; n--) {
    parts.push(
      prng.below(3) === 0
        ? randomBytes(prng, 8).toString("latin1")
        : DICTIONARY[prng.below(DICTIONARY.length)]!,
    );
  }
  return Buffer.from(parts.join(""), "utf8");
}

function mutateJson(seed: Buffer, prng: Prng): Buffer | undefined {
  let value: unknown;
  try {
    value = JSON.parse(seed.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const key =
    prng.below(5) === 0 || keys.length === 0 ? `k${prng.below(4)}` : keys[prng.below(keys.length)]!;
  if (prng.below(6) === 0) delete record[key];
  else record[key] = JSON_VALUES[prng.below(JSON_VALUES.length)];
  return Buffer.from(
    prng.below(2) === 0 ? JSON.stringify(record) : JSON.stringify(record, null, 2),
  );
}

function mutateBytes(seed: Buffer, prng: Prng): Buffer {
  const at = prng.below(seed.length + 1);
  switch (prng.below(6)) {
    case 0: {
      const out = Buffer.from(seed);
      for (let n = 1 + prng.below(4); n > 0 && out.length > 0; n--)
        out[prng.below(out.length)]! ^= 1 << prng.below(8);
      return out;
    }
    case 1:
      return seed.subarray(0, at);
    case 2:
      return Buffer.concat([seed.subarray(0, at), seed.subarray(at + 1 + prng.below(16))]);
    case 3:
      return Buffer.concat([
        seed.subarray(0, at),
        Buffer.from(DICTIONARY[prng.below(DICTIONARY.length)]!),
        seed.subarray(at),
      ]);
    case 4:
      return Buffer.concat([seed.subarray(0, at), randomBytes(prng, 8), seed.subarray(at)]);
    default: {
      const from = prng.below(seed.length + 1);
      const piece = seed.subarray(from, from + 1 + prng.below(32));
      return Buffer.concat([seed.subarray(0, at), piece, piece, seed.subarray(at)]);
    }
  }
}

/**
 * One input for a target: one in eight random, the rest a JSON-aware or byte-level mutation of a
 * seed, sometimes mutated twice.
 */
export function nextInput(target: FuzzTarget, prng: Prng): Buffer {
  if (target.generate) return target.generate(prng);
  if (prng.below(8) === 0) return prng.below(2) === 0 ? randomBytes(prng, 256) : randomText(prng);
  const seed = target.seeds[prng.below(target.seeds.length)]!;
  let input = (prng.below(2) === 0 ? mutateJson(seed, prng) : undefined) ?? mutateBytes(seed, prng);
  if (prng.below(3) === 0) input = mutateBytes(input, prng);
  return input;
}

// ---- the targets ----

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };
const STATUSES = [200, 200, 200, 201, 204, 302, 400, 401, 403, 404, 429, 500, 503];
const FUZZ_SECRET = "fuzz-secret-value-0123456789";
/**
 * The request's secrets for one input: on one input in four, since compiling the redaction pattern
 * of a known secret costs more than the parse itself and would otherwise set the campaign's pace.
 */
const secretsFor = (input: Buffer): string[] => (input.length % 4 === 0 ? [FUZZ_SECRET] : []);

/** The status a reply target uses for one input: taken from the input's length, so it is replayable. */
function response(input: Buffer, statuses: readonly number[] = STATUSES): HttpResponse {
  return { status: statuses[input.length % statuses.length]!, headers: JSON_TYPE, body: input };
}

function expiryCheck(expires: unknown): string | undefined {
  if (typeof expires !== "number" || !Number.isFinite(expires)) return `expiry ${String(expires)}`;
  if (expires > Date.now() + 366 * 24 * 3600 * 1000) return `expiry over a year ahead: ${expires}`;
  return undefined;
}

const tokenSeeds = [
  json({
    token_type: "Bearer",
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: "eyJ0.eyJ1.sig",
  }),
  json({
    token_type: "Bearer",
    scope: "https://vault.azure.net/user_impersonation",
    expires_in: "3599",
    refresh_in: 1800,
    access_token: "at",
    refresh_token: "rt",
    id_token: "a.b.c",
    client_info: "eyJ1aWQiOiJ1IiwidXRpZCI6InQifQ",
  }),
];

const errorSeeds = [
  json({
    error: "invalid_client",
    error_description: `AADSTS7000215: Invalid client secret provided. ${FUZZ_SECRET}`,
    error_codes: [7000215],
    timestamp: "2024-01-01 00:00:00Z",
    trace_id: "t",
    correlation_id: "c",
    error_uri: "https://login.microsoftonline.com/error?code=7000215",
  }),
  json({
    error: "invalid_grant",
    error_description: "AADSTS50076: MFA",
    suberror: "basic_action",
    claims: "{}",
  }),
  Buffer.from("<html><body>Service Unavailable</body></html>"),
];

const miSeeds = [
  json({
    access_token: "mi-token",
    expires_on: "1700000000",
    resource: "https://vault.azure.net",
    token_type: "Bearer",
  }),
  json({ access_token: "t", expires_on: "06/20/2019 02:57:58 +00:00", token_type: "Bearer" }),
  json({ access_token: "t", expires_in: 86399, refresh_in: 43199, token_type: "Bearer" }),
  json({ error: "invalid_request", error_description: "Identity not found" }),
  json({ error: { code: "SecretHeaderNotFound", message: `Secret ${FUZZ_SECRET} not found` } }),
  json({ statusCode: 400, message: "No managed identity endpoint found." }),
  Buffer.from(
    "A connection attempt failed because the connected party did not respond: unreachable",
  ),
];

const deviceSeeds = [
  json({
    user_code: "FAKE-CODE",
    device_code: "device-code-secret",
    verification_uri: "https://microsoft.com/devicelogin",
    expires_in: 900,
    interval: 5,
    message:
      "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FAKE-CODE to authenticate.",
  }),
];

const discoverySeeds = [
  json({
    tenant_discovery_endpoint:
      "https://login.example.com/tenant/v2.0/.well-known/openid-configuration",
    "api-version": "1.1",
    metadata: [{ preferred_network: "login.microsoftonline.com", aliases: ["login.windows.net"] }],
  }),
  json({
    error: "invalid_instance",
    error_description: "AADSTS50049: Unknown or invalid instance.",
  }),
];

const oidcSeeds = [
  json({ oidcToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYyJ9.c2ln" }),
  json({ message: "Access denied", typeKey: "x" }),
];

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
const jwtSeeds = [
  Buffer.from(
    `${b64({ uid: "u", utid: "t" })} ${b64({ alg: "none" })}.${b64({ oid: "o", tid: "t", preferred_username: "user@contoso.com" })}.sig`,
  ),
  Buffer.from(` x.${b64({ upn: "a@b", tid: "t", oid: "o" })}.y`),
];

const recordSeeds = [
  json({
    authority: "login.microsoftonline.com",
    homeAccountId: "u.t",
    clientId: "c",
    tenantId: "t",
    username: "user@contoso.com",
    version: "1.0",
  }),
];

const cliSeeds = {
  az: [
    json({
      accessToken: "az-token",
      expiresOn: "2030-01-01 12:00:00.000000",
      expires_on: 1893499200,
      subscription: "s",
      tenant: "t",
      tokenType: "Bearer",
    }),
    json({ accessToken: "az-token", expiresOn: "2030-01-01 12:00:00.000000" }),
  ],
  azd: [json({ token: "azd-token", expiresOn: "2030-01-01T12:00:00Z" })],
  pwsh: [Buffer.from("WARNING: banner\r\nentrazero%pwsh-token%1893499200\r\n")],
  stderr: [
    Buffer.from(
      '{"error":"not logged in","message":"run azd auth login","suggestion":"x"}\n{"type":"consoleMessage","data":{"message":"legacy"}}\n',
    ),
    Buffer.from(
      '#< CLIXML\r\n<Objs Version="1.1.0.1"><S S="Error">Run Connect-AzAccount_x000D__x000A_</S><S S="Warning">w &amp; &lt;</S></Objs>',
    ),
  ],
};

function cliCheck(result: unknown): string | undefined {
  if (typeof result === "string") return undefined;
  const token = result as { token?: unknown; expiresOnTimestamp?: unknown };
  if (typeof token.token !== "string" || token.token === "") return "empty token";
  return expiryCheck(token.expiresOnTimestamp);
}

function fixture(relative: string): Buffer {
  return readFileSync(fixturePath(relative));
}

function pkcs12Target(): FuzzTarget {
  const expected = JSON.parse(fixture("pfx/expected.json").toString("utf8")) as Record<
    string,
    { password: string }
  >;
  const pfx = Object.entries(expected).map(([name, facts]) => {
    const data = fixture(`pfx/${name}.pfx`);
    return { data, password: facts.password, offsets: headerOffsets(data) };
  });
  // An input is made with its fixture's password, which `run` (called right after) needs back.
  let password = "";
  return {
    name: "pkcs12",
    seeds: pfx.map((p) => p.data),
    weight: 0.02,
    generate(prng) {
      const p = pfx[prng.below(pfx.length)]!;
      const { data } = mutatePfx(p.data, p.offsets, p.password, prng);
      password = p.password;
      return data;
    },
    run: (input) => parsePkcs12(input, password || undefined),
  };
}

const cacheSeeds = [
  readFileSync(fixturePath("msal-cache/msal-node.json")),
  Buffer.from(
    JSON.stringify({
      AccessToken: {
        "uid.utid-login.microsoftonline.com-accesstoken-cid-tid-scope": {
          home_account_id: "uid.utid",
          environment: "login.microsoftonline.com",
          credential_type: "AccessToken",
          client_id: "cid",
          realm: "tid",
          target: "scope",
          secret: "at",
          cached_at: "1700000000",
          expires_on: "4000000000",
        },
      },
      Account: {},
      RefreshToken: {},
      IdToken: {},
      AppMetadata: {},
    }),
  ),
];

/**
 * Every fuzz target. To add a parser, append a target here: a name, valid seeds and a `run` that
 * calls the pure parser; both the bounded test and `npm run fuzz` pick it up.
 */
export function fuzzTargets(): FuzzTarget[] {
  const pemNames = readdirSync(fixturePath("certs")).filter(
    (n) => n.endsWith(".pem") && n !== "cert_encrypted.pem",
  );
  return [
    {
      name: "token reply",
      seeds: tokenSeeds,
      run: (input) =>
        parseTokenResponse(response(input, [200, 200, 200, 201]), {
          credentialName: "ClientSecretCredential",
          requestStartMs: Date.now(),
          secrets: secretsFor(input),
        }),
      check: (r) => expiryCheck((r as { expiresOnTimestamp: unknown }).expiresOnTimestamp),
    },
    {
      name: "error reply",
      seeds: errorSeeds,
      run: (input) =>
        parseTokenResponse(response(input, [400, 401, 403, 429, 500, 503, 302]), {
          credentialName: "ClientSecretCredential",
          requestStartMs: Date.now(),
          secrets: secretsFor(input),
        }),
    },
    {
      name: "managed identity reply",
      seeds: miSeeds,
      run: (input) =>
        parseManagedIdentityResponse(response(input), {
          sourceName: "App Service",
          requestStartMs: Date.now(),
          userAssigned: input.length % 2 === 0,
          secrets: secretsFor(input),
        }),
      check: (r) => expiryCheck((r as { expiresOnTimestamp: unknown }).expiresOnTimestamp),
    },
    {
      name: "arc challenge",
      seeds: [
        Buffer.from('Basic realm="/var/opt/azcmagent/tokens/abc.key"'),
        Buffer.from("Basic realm=C:\\ProgramData\\AzureConnectedMachineAgent\\Tokens\\x.key"),
      ],
      run: (input) =>
        parseArcChallenge({
          status: 401,
          headers: { "www-authenticate": input.toString("latin1") },
          body: Buffer.alloc(0),
        }),
    },
    {
      name: "pipelines oidc reply",
      seeds: oidcSeeds,
      run: (input) =>
        parseCiOidcResponse(
          "AzurePipelinesCredential",
          {
            ...response(input),
            headers: { ...JSON_TYPE, "x-vss-e2eid": input.subarray(0, 20).toString("latin1") },
          },
          {
            ...pipelinesOidcEndpoint(
              "AzurePipelinesCredential",
              "https://dev.azure.com/o",
              "c",
              "t",
            ),
            secrets: secretsFor(input),
          },
        ),
    },
    {
      name: "persistent cache file",
      seeds: cacheSeeds,
      run: (input) => {
        const cache = parseMsalCache(input.toString("utf8"));
        parseMsalCache(serializeMsalCache(cache));
        accountsOf(cache, ["login.microsoftonline.com", "127.0.0.1"]);
        return findAccessToken(cache, {
          homeAccountId: "uid.utid",
          environments: ["login.microsoftonline.com"],
          clientId: "cid",
          realm: "tid",
          scopes: ["scope"],
          nowSeconds: 1_700_000_000,
          marginSeconds: 300,
        });
      },
    },
    {
      name: "device code reply",
      seeds: deviceSeeds,
      run: (input) =>
        parseDeviceCodeResponse(response(input, [200, 200, 200, 400]), "DeviceCodeCredential"),
    },
    {
      name: "discovery document",
      seeds: discoverySeeds,
      // instance_discovery.ts reads the document with readJsonResponse and trusts the host only for
      // HTTP 200 with a string tenant_discovery_endpoint; the same reading, the same decision.
      run: (input) => {
        const reply = readJsonResponse(response(input, [200, 400]), secretsFor(input));
        reply.arrived();
        return typeof reply.record?.tenant_discovery_endpoint === "string";
      },
    },
    {
      name: "id token + client_info",
      seeds: jwtSeeds,
      run: (input) => {
        const [clientInfo, idToken] = input.toString("utf8").split(" ");
        return accountFromTokenResponse("https://login.microsoftonline.com", "client", {
          clientInfo,
          idToken,
        });
      },
    },
    {
      name: "authentication record",
      seeds: recordSeeds,
      run: (input) => deserializeAuthenticationRecord(input.toString("utf8")),
    },
    {
      name: "az output",
      seeds: cliSeeds.az,
      run: (i) => parseAzureCliOutput(i.toString("utf8")),
      check: cliCheck,
    },
    {
      name: "azd output",
      seeds: cliSeeds.azd,
      run: (i) => parseAzdOutput(i.toString("utf8")),
      check: cliCheck,
    },
    {
      name: "pwsh output",
      seeds: cliSeeds.pwsh,
      run: (i) => parsePowerShellOutput(i.toString("utf8")),
      check: cliCheck,
    },
    {
      name: "tool stderr",
      seeds: cliSeeds.stderr,
      run: (i) => {
        const text = i.toString("utf8");
        return [extractAzdErrorMessage(text), decodeClixml(text), summarizeOutput(text)];
      },
    },
    {
      name: "pem",
      seeds: pemNames.map((n) => fixture(`certs/${n}`)),
      weight: 0.1,
      run: (input) => parsePem(input.toString("utf8")),
    },
    {
      name: "encrypted pem",
      seeds: [fixture("certs/cert_encrypted.pem")],
      weight: 0.01,
      run: (input) => parsePem(input.toString("utf8"), "fixture-password"),
    },
    {
      name: "der",
      seeds: [...pemNames.slice(0, 3).map((n) => derOf(fixture(`certs/${n}`)))],
      weight: 0.5,
      run: (input) => decodeDer(input),
    },
    pkcs12Target(),
  ];
}

function derOf(pem: Buffer): Buffer {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(
    pem.toString(),
  );
  return Buffer.from(match?.[1] ?? "", "base64");
}

/** How many of `total` inputs each target gets, by weight (at least one each). */
export function shares(targets: readonly FuzzTarget[], total: number): number[] {
  const sum = targets.reduce((s, t) => s + (t.weight ?? 1), 0);
  return targets.map((t) => Math.max(1, Math.round((total * (t.weight ?? 1)) / sum)));
}

export { Prng };
