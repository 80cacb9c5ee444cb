import type { AbortSignalLike } from "../types.js";

type AbortListener = (this: AbortSignalLike, event: unknown) => unknown;

/**
 * A signal the package fires itself, e.g. to cancel a token request every caller gave up on. It
 * is not an `AbortController`: Node 20 spends 5–10 µs creating an `AbortSignal` and adding its
 * first listener, on every token request, while this costs a plain object. It fires once; a
 * listener added after it fired is not called, as with `EventTarget`.
 */
export class AbortSource implements AbortSignalLike {
  #aborted = false;
  #listeners: Set<AbortListener> | undefined;

  /** Whether {@link AbortSource.abort} was called. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /**
   * Calls `listener` when the source fires; adding the same listener twice adds it once. Every
   * listener runs at most once, so `{ once: true }` changes nothing.
   */
  addEventListener(_type: "abort", listener: AbortListener, _options?: { once?: boolean }): void {
    if (!this.#aborted) (this.#listeners ??= new Set()).add(listener);
  }

  /** Forgets `listener`. */
  removeEventListener(_type: "abort", listener: AbortListener): void {
    this.#listeners?.delete(listener);
  }

  /**
   * Fires the signal: every listener runs once, in the order added. A listener that throws does
   * not stop the others; its error is rethrown on the next tick, as `EventTarget` reports it.
   */
  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) {
      try {
        listener.call(this, { type: "abort" });
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  }
}
