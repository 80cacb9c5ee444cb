import * as https from "node:https";
import type { Duplex } from "node:stream";
import * as tls from "node:tls";

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

function fingerprintOf(certificate: tls.PeerCertificate, length: number): string {
  const fingerprint = length === 40 ? certificate.fingerprint : certificate.fingerprint256;
  return (fingerprint ?? "").replace(/:/g, "").toUpperCase();
}

/**
 * An `https.Agent` that trusts exactly one server certificate, identified by its thumbprint, and
 * nothing else (Service Fabric's managed-identity endpoint uses a cluster certificate no CA signed).
 * The socket is handed to the request only after the handshake and the thumbprint check, so not
 * one byte of the request (with its secret header) reaches a server that fails the check.
 */
class PinnedAgent extends https.Agent {
  readonly #thumbprint: string;

  constructor(thumbprint: string) {
    super({ keepAlive: true, maxCachedSessions: 0 });
    this.#thumbprint = thumbprint;
  }

  override createConnection(
    options: tls.ConnectionOptions,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): undefined {
    const socket = tls.connect({ ...options, rejectUnauthorized: false });
    const fail = (error: Error) => {
      socket.destroy();
      callback?.(error, socket);
    };
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.removeListener("error", fail);
      const presented = fingerprintOf(socket.getPeerCertificate(), this.#thumbprint.length);
      if (presented !== this.#thumbprint) {
        const error = Object.assign(
          new Error(
            `the server presented a certificate with thumbprint ${presented || "(none)"}, not the pinned ${this.#thumbprint}`,
          ),
          { code: CERT_MISMATCH_CODE },
        );
        return fail(error);
      }
      callback?.(null, socket);
    });
    return undefined;
  }
}

/**
 * Creates an agent pinned to `thumbprint` (already normalized by {@link normalizeThumbprint}).
 *
 * @returns an agent whose connections fail with code {@link CERT_MISMATCH_CODE} unless the server's
 *   certificate has that SHA-1 or SHA-256 thumbprint.
 */
export function createPinnedAgent(thumbprint: string): https.Agent {
  return new PinnedAgent(thumbprint);
}
