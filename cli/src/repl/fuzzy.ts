/**
 * Fuzzy matching for completion: the query's characters must appear in order (case-insensitive);
 * among the candidates that match, the score prefers matches at the start of a path segment or a
 * word, runs of consecutive characters, matches in the file name, and shorter paths. The best
 * alignment is found by dynamic programming (as fzf's v2), run only on candidates that pass a
 * cheap in-order test.
 */

const MATCH = 16;
const SEGMENT_START = 12;
const WORD_START = 8;
const CAMEL = 7;
const CONSECUTIVE = 6;
const IN_BASENAME = 3;
const GAP = 1;

let prevRow = new Float64Array(256);
let row = new Float64Array(256);

/** Whether `q` (lower case) appears in order in `c` (lower case). */
export function isSubsequence(q: string, c: string): boolean {
  let from = 0;
  for (let i = 0; i < q.length; i++) {
    const at = c.indexOf(q[i]!, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

function bonusAt(original: string, j: number, basenameStart: number): number {
  let bonus = j >= basenameStart ? IN_BASENAME : 0;
  if (j === 0) return bonus + SEGMENT_START;
  const prev = original[j - 1]!;
  if (prev === "/") return bonus + SEGMENT_START;
  if (prev === "-" || prev === "_" || prev === "." || prev === " ") return bonus + WORD_START;
  const cur = original[j]!;
  if (prev >= "a" && prev <= "z" && cur >= "A" && cur <= "Z") bonus += CAMEL;
  return bonus;
}

/**
 * The score of `candidate` for `query` (higher is better), or undefined when it does not match.
 * `lower` is the candidate in lower case (pass it when precomputed).
 */
export function fuzzyScore(
  query: string,
  candidate: string,
  lower = candidate.toLowerCase(),
): number | undefined {
  const q = query.toLowerCase();
  if (q.length === 0) return -candidate.length;
  if (!isSubsequence(q, lower)) return undefined;
  const n = lower.length;
  if (prevRow.length < n + 1) {
    prevRow = new Float64Array(n * 2);
    row = new Float64Array(n * 2);
  }
  const trimmed = lower.endsWith("/") ? n - 1 : n;
  const basenameStart = lower.lastIndexOf("/", trimmed - 1) + 1;
  const NONE = Number.NEGATIVE_INFINITY;
  // prevRow[j]: best score with the previous query character matched at j.
  for (let i = 0; i < q.length; i++) {
    const ch = q[i]!;
    let bestBefore = NONE; // best prevRow[k] - GAP*(j-1-k) over k < j-1
    for (let j = 0; j < n; j++) {
      let s = NONE;
      if (lower[j] === ch) {
        const bonus = MATCH + bonusAt(candidate, j, basenameStart);
        if (i === 0) s = bonus - GAP * Math.min(j, 8) * 0.25;
        else {
          const consecutive = j > 0 ? prevRow[j - 1]! + CONSECUTIVE : NONE;
          s = Math.max(consecutive, bestBefore) + bonus;
        }
      }
      if (i > 0 && j > 0) bestBefore = Math.max(bestBefore - GAP, prevRow[j - 1]! - GAP);
      row[j] = s;
    }
    const t = prevRow;
    prevRow = row;
    row = t;
  }
  let best = NONE;
  for (let j = 0; j < n; j++) if (prevRow[j]! > best) best = prevRow[j]!;
  if (best === NONE) return undefined;
  return best - n * 0.1;
}

/**
 * The best `limit` items for `query`, best first; equal scores keep the items' order. `lower`
 * (the items in lower case, same order) saves recomputing it on every keystroke.
 */
export function fuzzyFilter(
  query: string,
  items: readonly string[],
  limit: number,
  lower?: readonly string[],
): string[] {
  const top: { item: string; score: number; index: number }[] = [];
  const q = query.toLowerCase();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const lc = lower?.[i] ?? item.toLowerCase();
    if (q.length > 0 && !isSubsequence(q, lc)) continue;
    const score = fuzzyScore(q, item, lc);
    if (score === undefined) continue;
    if (top.length === limit && score <= top[top.length - 1]!.score) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.score < score) at--;
    top.splice(at, 0, { item, score, index: i });
    if (top.length > limit) top.pop();
  }
  return top.map((t) => t.item);
}
