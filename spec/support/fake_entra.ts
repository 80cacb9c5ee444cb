/**
 * The specs' fake Entra: the emulator of `entra-zero/testing` (`lib/testing/emulator_core.ts`)
 * seen through the API the specs were written against. Its server certificate is issued by the
 * fixture CA, so `TEST_TLS` trusts it as it trusts the other fakes; `/authorize` redirects at once
 * and device codes wait for `users.completeDeviceSignIn`. Any request no route knows is answered
 * 404 and recorded in `unexpected`, which tests assert empty at teardown.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { EmulatorCore, type Fault, type RecordedRequest } from "../../lib/testing/emulator_core.js";
import { tenantAccepts, type Application, type User } from "../../lib/testing/directory.js";
import type { UserFlows } from "../../lib/testing/user_flows.js";
import { readFixture } from "./fixtures.js";

export type { Fault, RecordedRequest };

/** An application registered with the fake. */
export interface FakeApp {
  clientId: string;
  tenantId: string;
  secret?: string;
  /** PEM certificates whose keys may sign client assertions. */
  certificates?: string[];
  /** Lifetime of issued tokens, in seconds (default 3599). */
  expiresIn?: number | string;
  refreshIn?: number;
  /** A public client (desktop/CLI app): user flows need no client authentication. */
  publicClient?: boolean;
  /** Registered redirect URIs; `http://localhost…` ones match any port (Entra's loopback rule). */
  redirectUris?: string[];
  /** Tenants besides `tenantId` where the app may get tokens. */
  tenants?: string[];
}

/** A user who may sign in with a password (the ROPC grant). */
export type FakePasswordUser = User & { password: string };

const FIXTURE_CA = {
  certificate: readFixture("tls/ca.pem"),
  privateKey: readFixture("tls/ca.key"),
};
const FIXTURE_SERVER_KEY = readFixture("tls/server.key");

/** The fake Entra ID token service on https://127.0.0.1: the emulator, with the specs' names. */
export class FakeEntra {
  readonly #core: EmulatorCore;

  private constructor(core: EmulatorCore) {
    this.#core = core;
  }

  /**
   * Starts a fake on a random loopback port. Its certificate names 127.0.0.1 and localhost, so
   * another loopback address (`127.0.0.2`) makes it a server for the wrong host.
   */
  static async start(host = "127.0.0.1"): Promise<FakeEntra> {
    return new FakeEntra(
      await EmulatorCore.start({
        host,
        hostnames: [],
        tenantId: randomUUID(),
        interactiveSignIn: false,
        deviceAutoApprove: false,
        certificateAuthority: FIXTURE_CA,
        serverKey: FIXTURE_SERVER_KEY,
      }),
    );
  }

  /** `https://host:port`. */
  get url(): string {
    return this.#core.url;
  }
  /** Every request, secrets included. */
  get requests(): RecordedRequest[] {
    return this.#core.requests;
  }
  /** Requests no route knows. */
  get unexpected(): string[] {
    return this.#core.unexpected;
  }
  /** Every access token issued (RS256 JWTs). */
  get issuedTokens(): string[] {
    return this.#core.issuedTokens;
  }
  /** Faults the next token requests meet. */
  get faults(): Fault[] {
    return this.#core.faults;
  }
  /** Hosts instance discovery answers as trusted. */
  get trustedHosts(): Set<string> {
    return this.#core.trustedHosts;
  }
  /** Authorization codes, device codes, refresh tokens, users and OBO. */
  get users(): UserFlows {
    return this.#core.flows;
  }
  /** Users of the password grant, by user name. */
  get passwordUsers(): Map<string, User> {
    return this.#core.users;
  }
  /** TCP connections accepted, including those whose TLS handshake the client refused. */
  get connections(): number {
    return this.#core.connections;
  }

  /** Registers an application. */
  register(app: FakeApp): void {
    const { secret, ...rest } = app;
    this.#core.applications.set(app.clientId, {
      ...rest,
      ...(secret !== undefined ? { clientSecret: secret } : {}),
      objectId: randomUUID(),
    });
  }

  /** The token endpoint for a tenant, exactly as Entra checks `aud` against it. */
  tokenEndpoint(tenantId: string): string {
    return this.#core.tokenEndpoint(tenantId);
  }

  /** A registered application. */
  app(clientId: string | undefined): Application | undefined {
    return this.#core.application(clientId);
  }

  /** Whether an app may get tokens in a tenant; user flows also accept `common` and `organizations`. */
  tenantAccepts(app: Application, tenantId: string, userFlow: boolean): boolean {
    return tenantAccepts(app, tenantId, userFlow);
  }

  /** Token requests only. */
  get tokenRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith("/oauth2/v2.0/token"));
  }

  /** Stops the server and drops every connection. */
  async close(): Promise<void> {
    await this.#core.close();
  }
}
