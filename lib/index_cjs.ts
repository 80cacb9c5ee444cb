/**
 * The entry of the CommonJS build. CommonJS cannot share modules between two bundles, so the
 * `require` condition of `entra-zero/persistence` resolves to this same file: one copy of the
 * credentials, the error classes and the plugin registry. The ESM build keeps the plugin in its
 * own entry.
 *
 * @module
 */
export * from "./index.js";
export { cachePersistencePlugin } from "./persistence.js";
