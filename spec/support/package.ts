/**
 * The package as users get it: its own name resolves through `exports` to the bundle in
 * build/dist, so specs of public behaviour test what ships. (TypeScript maps the name back to
 * lib/index.ts for types.) Specs of internal modules import those modules directly.
 *
 * @module
 */
export * from "entra-zero";
export { cachePersistencePlugin } from "entra-zero/persistence";
