import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import { TEST_CA } from "./fixtures.js";

/** A response as a browser tab would see it, without following redirects. */
export interface PageResponse {
  status: number;
  location?: string;
  body: string;
}

/** One GET, over https (trusting the test CA) or http, without following redirects. */
export function get(url: string): Promise<PageResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(target, { method: "GET", ca: TEST_CA, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          ...(res.headers.location ? { location: res.headers.location } : {}),
          body: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * Plays the browser: opens the authorize URL at the fake Entra, then follows its redirect to the
 * credential's loopback server. `tamper` may rewrite the redirect first (e.g. another `state`).
 */
export async function playBrowser(
  authorizeUrl: string,
  tamper: (redirect: URL) => void = () => undefined,
): Promise<{ authorize: PageResponse; loopback: PageResponse; redirect: URL }> {
  const authorize = await get(authorizeUrl);
  if (authorize.status !== 302 || !authorize.location)
    throw new Error(`authorize answered ${authorize.status}: ${authorize.body}`);
  const redirect = new URL(authorize.location);
  tamper(redirect);
  const loopback = await get(redirect.toString());
  return { authorize, loopback, redirect };
}

/** Gets an authorization code from the fake, the way a web app's user would. */
export async function authorizeCode(authorizeUrl: string): Promise<string> {
  const authorize = await get(authorizeUrl);
  const code = authorize.location ? new URL(authorize.location).searchParams.get("code") : null;
  if (!code)
    throw new Error(
      `no code from authorize (${authorize.status}): ${authorize.location ?? authorize.body}`,
    );
  return code;
}

/** Resolves with the error code of a TCP connection attempt to 127.0.0.1:port, or "connected". */
export function probePort(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}
