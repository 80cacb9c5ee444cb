// Points the specs of public behaviour at spec/support/package.ts (the built bundle, through the
// package's own name) instead of the compiled lib/ files: `node bin/specs_to_package.mjs`.
// A spec that imports lib/index.js, lib/bearer_token_provider.js or a
// lib/credentials/*_credential.js file tests public behaviour: in it, the names the package
// exports (from those files and from lib/errors.js, so `instanceof` meets the bundle's classes)
// move to one import from the support module; internal names stay where they were. Specs of
// internal modules keep lib/ whole. Safe to run again.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const program = ts.createProgram([join(root, "lib/index.ts")], {
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
});
const checker = program.getTypeChecker();
const index = program.getSourceFile(join(root, "lib/index.ts"));
const exported = new Set(
  checker.getExportsOfModule(checker.getSymbolAtLocation(index)).map((s) => s.name),
);
const ENTRY = /^(?:\.\.\/)+lib\/(?:index|bearer_token_provider|credentials\/\w+_credential)\.js$/;
const PUBLIC =
  /^(?:\.\.\/)+lib\/(?:index|errors|bearer_token_provider|credentials\/\w+_credential)\.js$/;
const IMPORT = /^import (type )?\{([^}]*)\} from "([^"]+)";\n/gm;

const files = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });

let changed = 0;
for (const file of files(join(root, "spec"))) {
  if (file.startsWith(join(root, "spec/support"))) continue;
  const text = readFileSync(file, "utf8");
  if (![...text.matchAll(IMPORT)].some((m) => ENTRY.test(m[3]))) continue;
  const moved = [];
  const next = text.replace(IMPORT, (whole, typeOnly, list, from) => {
    if (!PUBLIC.test(from)) return whole;
    const names = list
      .split(",")
      .map((n) => n.trim())
      .filter(Boolean);
    const name = (n) => n.replace(/^type\s+/, "").split(/\s+as\s+/)[0];
    const pub = names.filter((n) => exported.has(name(n)));
    const rest = names.filter((n) => !exported.has(name(n)));
    moved.push(...pub.map((n) => (typeOnly && !n.startsWith("type ") ? `type ${n}` : n)));
    return rest.length ? `import ${typeOnly ?? ""}{ ${rest.join(", ")} } from "${from}";\n` : "";
  });
  if (moved.length === 0) continue;
  let support = relative(dirname(file), join(root, "spec/support/package.js")).split(sep).join("/");
  if (!support.startsWith(".")) support = `./${support}`;
  const line = `import { ${[...new Set(moved)].join(", ")} } from "${support}";\n`;
  // After the last import statement.
  const imports = [...next.matchAll(/^import [^;]*;\n/gm)];
  const at = imports.length ? imports.at(-1).index + imports.at(-1)[0].length : 0;
  writeFileSync(file, next.slice(0, at) + line + next.slice(at));
  changed++;
}
console.log(`${changed} spec files now import public names from spec/support/package.ts`);
