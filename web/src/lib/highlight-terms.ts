/** Splits `text` into plain and matched pieces for the search query's words (no HTML involved). */
export interface Piece {
  text: string;
  match: boolean;
}

export function queryTerms(q: string): string[] {
  return [
    ...new Set(
      q
        .toLowerCase()
        .split(/[^\p{L}\p{N}_]+/u)
        .filter((w) => w.length > 0 && !["and", "or", "not", "near"].includes(w)),
    ),
  ];
}

export function highlightTerms(text: string, q: string): Piece[] {
  const terms = queryTerms(q).sort((a, b) => b.length - a.length);
  if (terms.length === 0 || text === "") return [{ text, match: false }];
  const re = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "giu");
  const out: Piece[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const i = m.index ?? 0;
    if (i > last) out.push({ text: text.slice(last, i), match: false });
    out.push({ text: m[0], match: true });
    last = i + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), match: false });
  return out;
}
