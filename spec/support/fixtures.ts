import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../../../fixtures/", import.meta.url);

/** Absolute path of a file under `fixtures/`. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}

/** Contents of a fixture as text. */
export function readFixture(relative: string): string {
  return readFileSync(fixturePath(relative), "utf8");
}

/** The test CA every fake HTTPS endpoint's certificate chains to. */
export const TEST_CA = readFixture("tls/ca.pem");

/** TLS options that make a credential trust the fakes. */
export const TEST_TLS = { ca: TEST_CA };
