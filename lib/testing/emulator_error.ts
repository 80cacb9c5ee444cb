/**
 * The one error class of `entra-zero/testing`, thrown by the emulator's own API (never sent over
 * the wire: what clients see are Entra's error bodies).
 *
 * @module
 */

/** Every code {@link EmulatorError} carries. */
export type EmulatorErrorCode =
  /** An argument of `startEntraEmulator`, `registerApplication`, `registerUser`, … is invalid. */
  | "ERR_EMULATOR_ARGUMENT"
  /** The id is already registered. */
  | "ERR_EMULATOR_DUPLICATE"
  /** The emulator was closed; it serves and registers nothing more. */
  | "ERR_EMULATOR_CLOSED"
  /** The emulator could not listen (port taken, no permission). */
  | "ERR_EMULATOR_LISTEN";

/** A misuse of the emulator's API, with a stable `code`. */
export class EmulatorError extends Error {
  /** One of {@link EmulatorErrorCode}. */
  readonly code: EmulatorErrorCode;

  /**
   * @param code - the stable code.
   * @param message - what is wrong, naming the argument.
   * @param options - the `cause`.
   */
  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(`entra-zero/testing: ${message}`, options);
    this.name = "EmulatorError";
    this.code = code;
  }
}
