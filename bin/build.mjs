// Builds what npm publishes: the entry points bundled as ESM with code splitting (heavy parts
// behind `import()` become chunks of their own) and the same entries as CommonJS for `require`
// (esbuild splits ESM only, so one file each), next to the declarations `tsc` wrote to build/lib.
// Run by `npm run build` after `tsc`.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/dist");

/**
 * The package's entry points: `name` is the output file (build/dist/<name>.js and .cjs), `source`
 * the TypeScript entry. A new subpath is one line here plus its `exports` entry in package.json.
 */
export const ENTRIES = [{ name: "index", source: "lib/index.ts" }];

const common = {
  absWorkingDir: root,
  entryPoints: ENTRIES.map(({ name, source }) => ({ in: source, out: name })),
  bundle: true,
  platform: "node",
  target: "node20",
  outdir: out,
  logLevel: "warning",
  legalComments: "none",
};

rmSync(out, { recursive: true, force: true });
await Promise.all([
  build({ ...common, format: "esm", splitting: true, chunkNames: "chunks/[name]-[hash]" }),
  build({ ...common, format: "cjs", outExtension: { ".js": ".cjs" } }),
]);
