import type * as https from "node:https";
import type { Duplex } from "node:stream";
import type * as tls from "node:tls";

/** The `code` of the error a pinned connection fails with when the server shows another certificate. */
export const CERT_MISMATCH_CODE = "ERR_SERVER_CERT_MISMATCH";

/**
 * Normalizes a certificate thumbprint: hex digits only, upper case. Accepts SHA-1 (40 digits) or
 * SHA-256 (64 digits), with or without `:` separators.
 *
 * @returns the thumbprint, or `undefined` when it is neither length or holds other characters.
 */
export function normalizeThumbprint(value: string): string | undefined {
  const hex = value.trim().replace(/:/g, "").toUpperCase();
  return /^[0-9A-F]{40}$/.test(hex) || /^[0-9A-F]{64}$/.test(hex) ? hex : undefined;
}

/**
 * An `https.Agent` that trusts exactly one server certificate, identified by its thumbprint, and
 * nothing else (Service Fabric's managed-identity endpoint uses a cluster certificate no CA signed).
 * The socket is handed to the request only after the handshake and the thumbprint check, so not
 * one byte of the request (with its secret header) reaches a server that fails the check.
 *
 * @param thumbprint - already normalized by {@link normalizeThumbprint}; connections fail with
 *   code {@link CERT_MISMATCH_CODE} unless the server's certificate has it as its SHA-1 or
 *   SHA-256 thumbprint.
 */
export function createPinnedAgent(thumbprint: string): https.Agent {
  const agent = new (process.getBuiltinModule("node:https").Agent)({
    keepAlive: true,
    maxCachedSessions: 0,
  });
  const createConnection = (
    options: tls.ConnectionOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): undefined => {
    const socket = process.getBuiltinModule("node:tls").connect({
      ...options,
      rejectUnauthorized: false,
    });
    const fail = (error: Error) => {
      socket.destroy();
      callback?.(error, socket);
    };
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.removeListener("error", fail);
      const { fingerprint, fingerprint256 } = socket.getPeerCertificate();
      const presented = normalizeThumbprint(
        (thumbprint.length === 40 ? fingerprint : fingerprint256) ?? "",
      );
      if (presented !== thumbprint) {
        const message = `the server presented a certificate with thumbprint ${presented ?? "(none)"}, not the pinned ${thumbprint}`;
        return fail(Object.assign(new Error(message), { code: CERT_MISMATCH_CODE }));
      }
      callback?.(null, socket);
    });
    return undefined;
  };
  (agent as unknown as { createConnection: typeof createConnection }).createConnection =
    createConnection;
  return agent;
}
