import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { json } from "./entra_reply.js";
import { readFixture } from "./fixtures.js";
import { verifyJwt, type Jwks } from "./jwt_check.js";

/** The resource Key Vault tokens are for (`aud`). */
export const VAULT_RESOURCE = "https://vault.azure.net";

/** What the vault needs to check a bearer token the way the service does. */
export interface VaultTrust {
  /** The authority host of the token issuer (`https://127.0.0.1:port`). */
  authorityHost: string;
  tenantId: string;
  /** The issuer's signing keys (its `discovery/v2.0/keys` document). */
  jwks: Jwks;
}

/** How the vault answered one request. */
export interface VaultRequest {
  method: string;
  path: string;
  /** `challenge` (no token), `claims-challenge` (CAE), `ok`, or why the token was refused. */
  outcome: string;
  /** The payload of the bearer token, when one came and its signature held. */
  claims?: Record<string, unknown>;
}

/** A challenge for claims: the secret name it guards and the claim the next token must carry. */
export interface ClaimsChallenge {
  secretName: string;
  /** A claim the emulator copies from the claims request into the token, e.g. `acrs`. */
  claim: string;
  value: string;
}

/**
 * A fake Azure Key Vault (secrets only) on https://127.0.0.1 with the test CA's server certificate.
 * Like the service it answers a request without a token with 401 and a `WWW-Authenticate` challenge
 * naming the authority and resource; it checks a bearer token's RS256 signature against the
 * issuer's JWKS, `aud`, `iss`, `tid` and `exp`; and for a secret guarded by a claims challenge it
 * answers 401 `insufficient_claims` until the token carries the claim asked for (CAE).
 */
export class FakeKeyVault {
  readonly requests: VaultRequest[] = [];
  readonly secrets = new Map<string, string>();
  readonly #trust: VaultTrust;
  readonly #challenge: ClaimsChallenge | undefined;
  readonly #sockets = new Set<Socket>();
  #server!: Server;
  url = "";

  private constructor(trust: VaultTrust, challenge?: ClaimsChallenge) {
    this.#trust = trust;
    this.#challenge = challenge;
  }

  /** Starts a vault on a random loopback port. */
  static async start(trust: VaultTrust, challenge?: ClaimsChallenge): Promise<FakeKeyVault> {
    const vault = new FakeKeyVault(trust, challenge);
    vault.#server = createServer(
      { key: readFixture("tls/server.key"), cert: readFixture("tls/server.pem") },
      (req, res) => vault.#handle(req, res),
    );
    vault.#server.on("secureConnection", (socket: Socket) => {
      vault.#sockets.add(socket);
      socket.on("close", () => vault.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => vault.#server.listen(0, "127.0.0.1", resolve));
    vault.url = `https://127.0.0.1:${(vault.#server.address() as AddressInfo).port}`;
    return vault;
  }

  /** The value of the claims challenge header parameter: base64 of the claims request JSON. */
  static claimsRequest(challenge: ClaimsChallenge): string {
    const request = {
      access_token: { [challenge.claim]: { essential: true, value: challenge.value } },
    };
    return Buffer.from(JSON.stringify(request)).toString("base64");
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    req.on("end", () => this.#answer(req, res));
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.url);
    const record: VaultRequest = { method: req.method ?? "", path: url.pathname, outcome: "" };
    this.requests.push(record);
    const authorization = req.headers.authorization;
    if (!authorization?.startsWith("Bearer ")) {
      record.outcome = "challenge";
      res.setHeader(
        "WWW-Authenticate",
        `Bearer authorization="${this.#trust.authorityHost}/${this.#trust.tenantId}", resource="${VAULT_RESOURCE}"`,
      );
      json(res, 401, {
        error: {
          code: "Unauthorized",
          message: "AKV10000: Request is missing a Bearer or PoP token.",
        },
      });
      return;
    }
    const checked = this.#check(authorization.slice("Bearer ".length));
    if (typeof checked === "string") {
      record.outcome = checked;
      json(res, 401, { error: { code: "Unauthorized", message: `AKV10032: ${checked}` } });
      return;
    }
    record.claims = checked;
    const match = /^\/secrets\/([0-9A-Za-z-]+)\/?$/.exec(url.pathname);
    const value = match ? this.secrets.get(match[1]!) : undefined;
    if (req.method !== "GET" || !match || value === undefined) {
      record.outcome = "not-found";
      json(res, 404, {
        error: { code: "SecretNotFound", message: "A secret with this name was not found." },
      });
      return;
    }
    const challenge = this.#challenge;
    if (challenge?.secretName === match[1] && checked[challenge.claim] !== challenge.value) {
      record.outcome = "claims-challenge";
      res.setHeader(
        "WWW-Authenticate",
        `Bearer realm="", authorization_uri="${this.#trust.authorityHost}/${this.#trust.tenantId}/oauth2/authorize", error="insufficient_claims", claims="${FakeKeyVault.claimsRequest(challenge)}"`,
      );
      json(res, 401, {
        error: {
          code: "Unauthorized",
          message: "Continuous access evaluation resulted in challenge.",
        },
      });
      return;
    }
    record.outcome = "ok";
    const id = `${this.url}/secrets/${match[1]}/0123456789abcdef0123456789abcdef`;
    const now = Math.floor(Date.now() / 1000);
    json(res, 200, {
      value,
      id,
      attributes: {
        enabled: true,
        created: now,
        updated: now,
        recoveryLevel: "Recoverable+Purgeable",
      },
      tags: {},
    });
  }

  /** The token's payload, or why it is refused. */
  #check(token: string): Record<string, unknown> | string {
    const payload = verifyJwt(token, this.#trust.jwks);
    if (typeof payload === "string") return payload;
    if (payload.aud !== VAULT_RESOURCE) return `wrong audience ${String(payload.aud)}`;
    if (payload.tid !== this.#trust.tenantId) return "wrong tenant";
    if (payload.iss !== `${this.#trust.authorityHost}/${this.#trust.tenantId}/v2.0`)
      return "wrong issuer";
    return payload;
  }
}
