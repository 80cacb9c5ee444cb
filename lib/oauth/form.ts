/** Form fields; the insertion order of the keys is the order on the wire. */
export type FormFields = Record<string, string>;

/** Encodes fields as `application/x-www-form-urlencoded` (UTF-8, `%20` for spaces). */
export function encodeForm(fields: FormFields): string {
  return Object.entries(fields)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
}
