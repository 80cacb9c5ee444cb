/** Form fields; the insertion order of the keys is the order on the wire. */
export type FormFields = Record<string, string>;

// What encodeURIComponent leaves as is; most names and values (ids, grant types) are only that.
const UNRESERVED = /^[A-Za-z0-9_.!~*'()-]*$/;

const encode = (text: string) => (UNRESERVED.test(text) ? text : encodeURIComponent(text));

/** Encodes fields as `application/x-www-form-urlencoded` (UTF-8, `%20` for spaces). */
export function encodeForm(fields: FormFields): string {
  // A loop, not entries/map/join: this runs for every token request.
  let form = "";
  for (const name of Object.keys(fields))
    form += `${form ? "&" : ""}${encode(name)}=${encode(fields[name]!)}`;
  return form;
}
