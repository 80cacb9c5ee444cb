/** An ordered list of form fields; order is kept on the wire. */
export type FormFields = Array<[name: string, value: string]>;

/** Encodes fields as `application/x-www-form-urlencoded` (UTF-8, `%20` for spaces). */
export function encodeForm(fields: FormFields): string {
  return fields
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
}
