// Builds what npm publishes: the entry points bundled as ESM with code splitting (heavy parts
// behind `import()` become chunks of their own) and the same entries as CommonJS for `require`
// (esbuild splits ESM only, so one file each), next to the declarations `tsc` wrote to build/lib.
// Run by `npm run build` after `tsc`.
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/dist");

/**
 * The package's entry points: `name` is the output file (build/dist/<name>.js), `source` the
 * TypeScript entry, `cjs` the source of its CommonJS build (build/dist/<name>.cjs) when `require`
 * can load it. `ownsFolder: false` marks an entry that shares its folder with the main one (see
 * the plugin below). A new subpath is one line here plus its `exports` entry in package.json.
 * `entra-zero/persistence` has no CommonJS file: its `require` condition serves index.cjs, whose
 * source exports the plugin too, because two CommonJS bundles would each carry their own registry
 * and error classes. The entra-token command is started by an ESM launcher only.
 */
export const ENTRIES = [
  { name: "index", source: "lib/index.ts", cjs: "lib/index_cjs.ts" },
  { name: "testing", source: "lib/testing/index.ts", cjs: "lib/testing/index.ts" },
  { name: "persistence", source: "lib/persistence.ts", ownsFolder: false },
  { name: "cli", source: "lib/cli/main.ts" },
];

/**
 * Makes every module reached only through `import()` (the lazy parts) import its entry's public
 * surface first. All code the entry needs is then shared by every chunk and lands in one chunk, so
 * importing the package loads two files instead of one per combination of lazy parts, while the
 * lazy parts still load only when used.
 */
const lazyPartsShareTheEntry = {
  name: "lazy-parts-share-the-entry",
  setup(esbuild) {
    const lazy = new Set();
    esbuild.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== "dynamic-import" || args.pluginData === "lazy") return undefined;
      const result = await esbuild.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "lazy",
      });
      lazy.add(result.path);
      return result;
    });
    esbuild.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (!lazy.has(args.path)) return undefined;
      // The entry of the deepest folder holding the module: lib/testing/* belongs to the testing
      // entry, everything else under lib/ to the main one.
      const entry = ENTRIES.filter(({ ownsFolder }) => ownsFolder !== false)
        .map(({ source }) => join(root, source))
        .filter((source) => args.path.startsWith(dirname(source) + sep))
        .sort((a, b) => b.length - a.length)[0];
      const text = await readFile(args.path, "utf8");
      return { contents: `import ${JSON.stringify(entry)};\n${text}`, loader: "ts" };
    });
  },
};

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
  build({
    ...common,
    format: "esm",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [lazyPartsShareTheEntry],
    // package.json says "sideEffects": false for consumers; here the entry import above must stay.
    ignoreAnnotations: true,
  }),
  build({
    ...common,
    entryPoints: ENTRIES.filter(({ cjs }) => cjs).map(({ name, cjs }) => ({ in: cjs, out: name })),
    format: "cjs",
    outExtension: { ".js": ".cjs" },
  }),
]);
