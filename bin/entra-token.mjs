#!/usr/bin/env node
// The `entra-token` command: runs the built CLI (lib/cli/main.ts) from the release bundle
// (build/dist/cli.js) when there is one, else from tsc's output.
const { main } = await import("../build/dist/cli.js").catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  return import("../build/lib/cli/main.js");
});
await main();
