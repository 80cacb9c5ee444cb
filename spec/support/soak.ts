/**
 * The token-cache soak, shared by spec/reliability/soak.test.ts (bounded) and bench/soak.mjs
 * (long): one ClientSecretCredential on an injected clock, many scopes, waves of concurrent
 * callers with random aborts, a token endpoint failing a share of its requests, and the clock
 * advancing past refresh and expiry times. The endpoint counts overlapping requests per scope;
 * the callers check every token they get against the endpoint's record of when it was issued.
 *
 * @module
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { ClientSecretCredential } from "../../lib/credentials/client_secret_credential.js";
import { EXPIRY_MARGIN_MS } from "../../lib/cache/token_cache.js";
import { AbortError, AuthenticationError } from "../../lib/errors.js";
import { TEST_TLS, readFixture } from "./fixtures.js";
import { Prng } from "./fuzz.js";

/** Settings of one soak. */
export interface SoakOptions {
  /** Waves of concurrent callers. */
  rounds: number;
  /** Callers per wave. */
  callers: number;
  /** Distinct scopes. */
  scopes: number;
  /** Share of token requests the endpoint fails with HTTP 500. */
  failureRate: number;
  /** Share of callers that abort (before or while waiting). */
  abortRate: number;
  /** The most the clock advances between waves, in seconds. */
  maxStepSeconds: number;
  seed: number;
  /** Called after each wave (the bench samples memory here). */
  onRound?(round: number): void;
}

/** What a soak saw. */
export interface SoakResult {
  calls: number;
  tokens: number;
  aborted: number;
  failed: number;
  /** Typed ERR_NETWORK failures (a reused keep-alive socket reset by the endpoint). */
  network: number;
  /** Anything else thrown, or a token that failed a check: must stay empty. */
  problems: string[];
  /** Token requests the endpoint received. */
  requests: number;
  /** The most requests for one scope that overlapped and both completed (must be 1). */
  maxConcurrentPerScope: number;
  /** Virtual seconds the clock advanced. */
  virtualSeconds: number;
  seconds: number;
}

const LIFETIME_S = 3600;
const MID_WAVE_STEP_MS = 60_000;
const REFRESH_IN_S = 1800;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "50a50a50-0000-4000-8000-0000000050a4";

interface Live {
  scope: string;
  finished: boolean;
  overlaps: Live[];
}

/** Runs one soak and returns its figures. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const prng = new Prng(options.seed);
  let now = Date.UTC(2030, 0, 1);
  const live = new Map<string, Live[]>();
  let requests = 0;
  let maxConcurrent = 1;
  const problems: string[] = [];

  const server: Server = createServer(
    { key: readFixture("tls/server.key"), cert: readFixture("tls/server.pem") },
    (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        requests++;
        const scope = new URLSearchParams(body).get("scope") ?? "";
        const mine: Live = { scope, finished: false, overlaps: [] };
        const others = live.get(scope) ?? [];
        // An overlap counts only if both requests complete: a flight every caller abandoned is
        // cancelled, and its successor may reach the endpoint before the cancellation does.
        for (const other of others) {
          other.overlaps.push(mine);
          mine.overlaps.push(other);
        }
        others.push(mine);
        live.set(scope, others);
        const done = (finished: boolean) => {
          if (mine.finished || !others.includes(mine)) return;
          others.splice(others.indexOf(mine), 1);
          mine.finished = finished;
          if (finished) {
            const overlapping = 1 + mine.overlaps.filter((o) => o.finished).length;
            maxConcurrent = Math.max(maxConcurrent, overlapping);
          }
        };
        const fail = prng.next() / 2 ** 32 < options.failureRate;
        setTimeout(() => {
          if (res.destroyed) return done(false);
          // Minted now, and carrying its mint time, so callers can check it without a growing map.
          const token = `soak.${requests}.${now}`;
          const text = fail
            ? JSON.stringify({ error: "server_error", error_description: "AADSTS50000: soak" })
            : JSON.stringify({
                token_type: "Bearer",
                expires_in: LIFETIME_S,
                refresh_in: REFRESH_IN_S,
                access_token: token,
              });
          res.on("finish", () => done(true));
          res.on("close", () => done(false));
          res.writeHead(fail ? 500 : 200, { "Content-Type": "application/json" }).end(text);
        }, prng.below(4));
        res.on("close", () => {
          if (!res.writableFinished) done(false);
        });
      });
    },
  );
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const credential = new ClientSecretCredential(TENANT, CLIENT, "soak-secret", {
    authorityHost: url,
    disableInstanceDiscovery: true,
    tlsOptions: TEST_TLS,
    retryOptions: { maxRetries: 0 },
    now: () => now,
  } as object);

  const scopes = Array.from({ length: options.scopes }, (_, i) => `api://soak-${i}/.default`);
  let calls = 0;
  let tokens = 0;
  let aborted = 0;
  let failed = 0;
  let network = 0;
  const started = performance.now();
  const startClock = now;
  /** The wave in which each token was first served, pruned once it expired. */
  const firstServed = new Map<string, number>();
  let wave = 0;

  const call = async (scope: string): Promise<void> => {
    const abort = prng.next() / 2 ** 32 < options.abortRate;
    const controller = new AbortController();
    if (abort) {
      const after = prng.below(4);
      if (after === 0) controller.abort();
      else setTimeout(() => controller.abort(), after);
    }
    calls++;
    const calledAt = now;
    try {
      const token = await credential.getToken(scope, { abortSignal: controller.signal });
      tokens++;
      const minted = Number(token.token.split(".")[2]);
      const firstWave = firstServed.get(token.token) ?? wave;
      firstServed.set(token.token, firstWave);
      if (!Number.isFinite(minted))
        problems.push(`a token the endpoint never issued: ${token.token}`);
      else if (now >= minted + LIFETIME_S * 1000)
        problems.push(`expired token served: minted ${minted}, now ${now}`);
      if (now >= token.expiresOnTimestamp)
        problems.push(
          `token served ${now - token.expiresOnTimestamp} ms after its expiresOnTimestamp`,
        );
      // Served in an earlier wave, so now from the cache: only while 5 minutes remained when asked.
      if (firstWave < wave && calledAt >= token.expiresOnTimestamp - EXPIRY_MARGIN_MS)
        problems.push(
          `cached token served ${token.expiresOnTimestamp - calledAt} ms before expiry`,
        );
    } catch (error) {
      if (error instanceof AbortError && abort) aborted++;
      else if (error instanceof AuthenticationError && error.code === "server_error") failed++;
      // A keep-alive socket the endpoint closed just as it was reused (no retries here).
      else if (error instanceof AuthenticationError && error.code === "ERR_NETWORK") network++;
      else if (problems.length < 20)
        problems.push(`unexpected ${(error as Error)?.constructor?.name}: ${String(error)}`);
    }
  };

  try {
    for (let round = 0; round < options.rounds; round++) {
      wave = round;
      const callers: Promise<void>[] = [];
      for (let i = 0; i < options.callers; i++) {
        callers.push(call(scopes[prng.below(scopes.length)]!));
        // The clock also moves while requests are in flight, by less than the cache's 5-minute
        // margin (which covers the time between the cache's check and the caller's use).
        if (i === options.callers >> 1) now += prng.below(MID_WAVE_STEP_MS);
      }
      await Promise.all(callers);
      // A wave of cache hits never leaves the microtask queue: give I/O (background refreshes) a
      // turn, or virtual hours would pass while a reply waits in its socket.
      await new Promise((resolve) => setImmediate(resolve));
      now += prng.below(options.maxStepSeconds * 1000);
      if (round % 16 === 0)
        for (const [token] of firstServed)
          if (now >= Number(token.split(".")[2]) + LIFETIME_S * 1000) firstServed.delete(token);
      options.onRound?.(round);
    }
    // Let background refreshes settle before the figures are read.
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    await credential.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return {
    calls,
    tokens,
    aborted,
    failed,
    network,
    problems,
    requests,
    maxConcurrentPerScope: maxConcurrent,
    virtualSeconds: (now - startClock) / 1000,
    seconds: (performance.now() - started) / 1000,
  };
}
