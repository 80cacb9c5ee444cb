import type { ServerResponse } from "node:http";
import { failure, sendFailure, sendJson } from "../../lib/testing/replies.js";

/** Answers with Entra's error body shape (the emulator's): `error`, an `AADSTS…` description, codes and ids. */
export function entraError(
  res: ServerResponse,
  status: number,
  error: string,
  code: number,
  description: string,
): void {
  sendFailure(res, failure(status, error, code, description));
}

/** Answers with a JSON body. */
export const json: (res: ServerResponse, status: number, body: unknown) => void = sendJson;
