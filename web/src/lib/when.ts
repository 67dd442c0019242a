/** A timestamp as the pages show it: the reader's locale, medium date, short time. */
export const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
