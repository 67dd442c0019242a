import { searchWords } from "../../threads/search-words.ts";

/**
 * Text as FTS5's default tokenizer (unicode61) sees it: runs of letters and digits, diacritics removed,
 * everything else a separator. Documents and query words both pass through it before PostgreSQL's
 * parser (which would otherwise keep `fix/lexer-crash` as one path token), so a word matches on
 * Postgres exactly when it matches on SQLite.
 */
export function ftsText(s: string): string {
  return s
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ");
}

/**
 * A user's search text as a `to_tsquery('simple', …)` argument: every word quoted (so nothing the user
 * types is query syntax: no `!`, `|`, `<->`, parentheses), words ANDed, a trailing `*` keeps prefix
 * search (`:*`). The same words as FTS5 gets (`threads/search-words.ts`).
 */
export function tsQuery(q: string): string | undefined {
  const words = searchWords(q);
  if (words.length === 0) return undefined;
  const query = words
    .map((w) => {
      // A word of several tokens (`fix/lexer`) is a phrase, as a quoted FTS5 string is.
      const body = ftsText(w.text).trim();
      return body ? `'${body}'${w.prefix ? ":*" : ""}` : "";
    })
    .filter(Boolean)
    .join(" & ");
  // Only separators (`" OR NEAR( *`): no word to find, so nothing matches (as on FTS5).
  return query || undefined;
}
