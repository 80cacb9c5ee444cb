// Builds what npm publishes: the entry points bundled as ESM with code splitting (heavy parts
// behind `import()` become chunks of their own), each file of it also as CommonJS for `require`,
// next to the declarations `tsc` wrote to build/lib. Run by `npm run build` after `tsc`.
import { build, transform } from "esbuild";
import { rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build/dist");

/**
 * The package's entry points: `name` is the output file (build/dist/<name>.js, and <name>.cjs for
 * `require`), `source` the TypeScript entry. `ownsFolder: false` marks an entry that shares its
 * folder with the main one (see the plugin below). A new subpath is one line here plus its
 * `exports` entry in package.json. The entra-token command is started by an ESM launcher only.
 */
export const ENTRIES = [
  { name: "index", source: "lib/index.ts" },
  { name: "testing", source: "lib/testing/index.ts" },
  { name: "persistence", source: "lib/persistence.ts", ownsFolder: false },
  { name: "cli", source: "lib/cli/main.ts", esmOnly: true },
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
const esm = await build({
  ...common,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [lazyPartsShareTheEntry],
  // package.json says "sideEffects": false for consumers; here the entry import above must stay.
  ignoreAnnotations: true,
  metafile: true,
});

/**
 * The CommonJS build is the ESM build file by file: each entry and chunk becomes a `.cjs` beside
 * it whose imports are `require()`s of the other `.cjs` files, and whose `import()`s are
 * `require()`s run when reached. So `require` loads the same small files `import` does, the lazy
 * parts only when used, and every module once (one copy of the error classes and registries,
 * whichever entries are required).
 */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*)"(\.{1,2}\/[^"]+)\.js"/g;
await Promise.all(
  Object.keys(esm.metafile.outputs)
    .filter((file) => file.endsWith(".js"))
    .filter(
      (file) => !ENTRIES.some((e) => e.esmOnly && file === `${relative(root, out)}/${e.name}.js`),
    )
    .map(async (file) => {
      const code = (await readFile(join(root, file), "utf8")).replace(SPECIFIER, '$1"$2.cjs"');
      const cjs = await transform(code, {
        format: "cjs",
        platform: "node",
        target: "node20",
        supported: { "dynamic-import": false },
        legalComments: "none",
      });
      await writeFile(join(root, file.replace(/\.js$/, ".cjs")), cjs.code);
    }),
);
