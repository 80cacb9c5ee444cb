/**
 * Scripted misbehaviours of the token endpoint, for resilience tests: a status with a body, an
 * HTML captive portal, a delay, a hang, a reset, an oversized or truncated body, a redirect.
 * `failNext` of the public API and the specs' `faults` queue both end here.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendRedirect } from "./replies.js";

/** A scripted misbehaviour of the token endpoint, used by the next token request. */
export type Fault =
  | {
      kind: "status";
      status: number;
      body?: string;
      contentType?: string;
      headers?: Record<string, string>;
      /** Wait this long before answering. */
      delayMs?: number;
    }
  | { kind: "html" }
  | { kind: "delay"; ms: number }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "oversized" }
  | { kind: "truncated" }
  | { kind: "redirect"; location: string };

/**
 * Applies a fault to a token request.
 *
 * @returns whether the fault answered (or dropped) the request; `false` means answer normally.
 */
export async function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case "status": {
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      const text = fault.body ?? "";
      res.writeHead(fault.status, {
        "Content-Type": fault.contentType ?? "application/json",
        "Content-Length": Buffer.byteLength(text),
        ...fault.headers,
      });
      res.end(text);
      return true;
    }
    case "html": {
      const html =
        "<!DOCTYPE html><html><head><title>Sign in to your account</title></head><body>Captive portal</body></html>";
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Length": Buffer.byteLength(html),
      });
      res.end(html);
      return true;
    }
    case "delay":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return false;
    case "hang":
      return true;
    case "reset":
      req.socket.destroy();
      return true;
    case "oversized":
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(
        `{"access_token":"${"a".repeat(2 * 1024 * 1024)}","token_type":"Bearer","expires_in":3599}`,
      );
      return true;
    case "truncated":
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 200 });
      res.write('{"access_token":"abc","token_type":"Bearer","expi');
      setTimeout(() => req.socket.destroy(), 20);
      return true;
    case "redirect":
      sendRedirect(res, fault.location);
      return true;
  }
}
