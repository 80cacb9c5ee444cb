/**
 * The cache code behind `entra-zero/persistence`, as one module its provider imports on first use.
 *
 * @module
 */
export { createPersistentStore } from "./persistent_store.js";
export { tokenFromSharedCache } from "./shared_cache.js";
