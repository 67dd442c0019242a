/**
 * The words of a user's thread search, as both databases' queries take them (FTS5's `threads/fts.ts`,
 * Postgres's `db/pg/tsquery.ts`): split on white space, control characters counted as spaces (FTS5
 * rejects a NUL inside a string; none means anything here), at most 32 words; a word ending in `*`
 * (not a lone `*`) asks for the words it begins.
 */
export interface SearchWord {
  /** The word without its trailing `*`. */
  text: string;
  prefix: boolean;
}

export const MAX_SEARCH_WORDS = 32;

export function searchWords(q: string): SearchWord[] {
  return q
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, MAX_SEARCH_WORDS)
    .map((w) => {
      const prefix = w.endsWith("*") && w.length > 1;
      return { text: prefix ? w.slice(0, -1) : w, prefix };
    });
}
