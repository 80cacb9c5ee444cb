#!/usr/bin/env node
// The `entra-token` command: the built CLI does the work (see lib/cli/main.ts).
import { main } from "../build/lib/cli/main.js";

await main();
