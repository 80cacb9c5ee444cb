/**
 * A separate process for the persistent-cache tests: reads its instructions as JSON on stdin
 * (the test secrets never go in argv), runs them, prints the outcome as JSON on stdout.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PersistentCache } from "../../../lib/cache/persistent_cache.js";
import { messageOf } from "../../../lib/errors.js";
import type { LogLevel } from "../../../lib/types.js";
import {
  ClientSecretCredential,
  DeviceCodeCredential,
  cachePersistencePlugin,
  useIdentityPlugin,
} from "../../support/package.js";

useIdentityPlugin(cachePersistencePlugin);

const order = JSON.parse(readFileSync(0, "utf8")) as Record<string, any>;
const lines: string[] = [];
const common = {
  authorityHost: order.authorityHost,
  disableInstanceDiscovery: true,
  tlsOptions: { ca: order.ca },
  retryOptions: { maxRetries: 0 },
  env: order.env,
  tokenCachePersistenceOptions: order.persistence,
  loggingOptions: {
    logLevel: "verbose" as LogLevel,
    logger: (level: LogLevel, message: string) => lines.push(`${level} ${message}`),
  },
};

async function main(): Promise<unknown> {
  switch (order.action) {
    case "client-secret": {
      const cred = new ClientSecretCredential(order.tenantId, order.clientId, order.secret, common);
      return cred.getToken(order.scope);
    }
    case "device-code": {
      const cred = new DeviceCodeCredential({
        ...common,
        tenantId: order.tenantId,
        clientId: order.clientId,
        authenticationRecord: order.record,
        disableAutomaticAuthentication: true,
        userPromptCallback: () => {
          throw new Error("the child must not prompt");
        },
      } as ConstructorParameters<typeof DeviceCodeCredential>[0]);
      return cred.getToken(order.scope);
    }
    case "writer": {
      const fileName = "msal.cache.nocae";
      const cache = new PersistentCache({
        context: {
          fileName,
          filePath: join(order.env.HOME, ".IdentityService", fileName),
          env: order.env,
          platform: process.platform,
        },
        allowUnencrypted: true,
        logger: { verbose() {}, info() {}, warning() {}, error() {}, enabled: () => false },
        routes: [],
        lock: { timeoutMs: 30_000 },
      });
      let stored = 0;
      for (let i = 0; i < order.count; i++) {
        const key = `writer-${order.id}-${i}`;
        const ok = await cache.update(() => [
          { section: "AccessToken", key, entry: { secret: key, credential_type: "AccessToken" } },
        ]);
        if (ok) stored++;
      }
      return { stored };
    }
  }
  throw new Error(`unknown action ${order.action}`);
}

main().then(
  (result) => process.stdout.write(JSON.stringify({ result, lines })),
  (error: unknown) =>
    process.stdout.write(
      JSON.stringify({
        error: {
          name: (error as Error).name,
          code: (error as any).code,
          message: messageOf(error),
        },
        lines,
      }),
    ),
);
