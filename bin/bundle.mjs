// `npm run bundle`: builds entra-token as one self-contained, minified ESM file that runs with
// nothing installed (`node entra-token.mjs --help`). The emulator subcommand is left out: it is
// loaded from `entra-zero/testing` only when asked for. Usage: node bin/bundle.mjs [outfile]
import { build } from "esbuild";
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = resolve(process.argv[2] ?? join(root, "build/entra-token.mjs"));

await build({
  absWorkingDir: root,
  // The entry runs the tool; lib/ itself has no module with a top-level effect.
  stdin: {
    contents: 'import { main } from "./lib/cli/main.ts";\nawait main();\n',
    resolveDir: root,
    sourcefile: "entra-token.ts",
    loader: "ts",
  },
  bundle: true,
  minify: true,
  platform: "node",
  format: "esm",
  target: "node20",
  outfile,
  banner: { js: "#!/usr/bin/env node" },
  legalComments: "none",
  logLevel: "warning",
});
console.log(`${outfile}: ${statSync(outfile).size} bytes, minified`);
