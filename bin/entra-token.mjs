#!/usr/bin/env node
// The `entra-token` command: loads the built CLI (lib/cli/main.ts) and runs it.
const { main } = await import("../build/lib/cli/main.js");
await main();
