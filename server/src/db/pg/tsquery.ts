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
 * search (`:*`). The same words as FTS5 gets (`threads/fts.ts`): control characters are spaces, at
 * most 32 words.
 */
export function tsQuery(q: string): string | undefined {
  const words = q
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .split(/\s+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 32);
  if (words.length === 0) return undefined;
  const query = words
    .map((w) => {
      const prefix = w.endsWith("*") && w.length > 1;
      // A word of several tokens (`fix/lexer`) is a phrase, as a quoted FTS5 string is.
      const body = ftsText(prefix ? w.slice(0, -1) : w).trim();
      return body ? `'${body}'${prefix ? ":*" : ""}` : "";
    })
    .filter(Boolean)
    .join(" & ");
  // Only separators (`" OR NEAR( *`): no word to find, so nothing matches (as on FTS5).
  return query || undefined;
}
