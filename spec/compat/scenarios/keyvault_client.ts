/**
 * Run by keyvault.test.ts as a child process with NODE_EXTRA_CA_CERTS naming the test CA (the
 * fake vault's issuer), so the real `@azure/keyvault-secrets` client trusts the vault through
 * Node's global agent. Reads its settings as JSON on stdin (secrets never in argv), reads each
 * secret with each credential, and prints one JSON report on stdout.
 *
 * @module
 */
import { SecretClient } from "@azure/keyvault-secrets";
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  type TokenCredential,
} from "../../support/package.js";

/** The settings keyvault.test.ts writes to stdin. */
export interface KeyVaultScenario {
  vaultUrl: string;
  /** What the emulator says a credential needs to trust it. */
  credentialOptions: Record<string, unknown>;
  tenantId: string;
  secretApp: { clientId: string; clientSecret: string };
  certificateApp: { clientId: string; certificatePem: string };
  /** Secrets each credential reads, in order. */
  secretNames: string[];
}

/** One secret read: its value, or the error's name and message. */
export interface SecretRead {
  credential: string;
  name: string;
  value?: string;
  error?: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const scenario = JSON.parse(await readStdin()) as KeyVaultScenario;
const credentials: Array<[string, TokenCredential & { close(): Promise<void> }]> = [
  [
    "ClientSecretCredential",
    new ClientSecretCredential(
      scenario.tenantId,
      scenario.secretApp.clientId,
      scenario.secretApp.clientSecret,
      scenario.credentialOptions,
    ),
  ],
  [
    "ClientCertificateCredential",
    new ClientCertificateCredential(
      scenario.tenantId,
      scenario.certificateApp.clientId,
      { certificate: scenario.certificateApp.certificatePem },
      scenario.credentialOptions,
    ),
  ],
];
const reads: SecretRead[] = [];
for (const [name, credential] of credentials) {
  const client = new SecretClient(scenario.vaultUrl, credential, {
    disableChallengeResourceVerification: true,
    retryOptions: { maxRetries: 0 },
  });
  for (const secretName of scenario.secretNames) {
    try {
      const secret = await client.getSecret(secretName);
      reads.push({ credential: name, name: secretName, value: secret.value ?? "" });
    } catch (error) {
      reads.push({ credential: name, name: secretName, error: String(error) });
    }
  }
  await credential.close();
}
process.stdout.write(JSON.stringify({ reads }));
