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

const SLASH = 47;
const SEPARATORS = new Set([45, 95, 46, 32]); // - _ . space

function bonusAt(original: string, j: number, basenameStart: number): number {
  const bonus = j >= basenameStart ? IN_BASENAME : 0;
  if (j === 0) return bonus + SEGMENT_START;
  const prev = original.charCodeAt(j - 1);
  if (prev === SLASH) return bonus + SEGMENT_START;
  if (SEPARATORS.has(prev)) return bonus + WORD_START;
  const cur = original.charCodeAt(j);
  // a-z then A-Z: a camelCase word start.
  return prev >= 97 && prev <= 122 && cur >= 65 && cur <= 90 ? bonus + CAMEL : bonus;
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
 * A quick lower bound of `fuzzyScore`: the alignment that matches each character at its last
 * possible place (which favours the file name), scored with the same bonuses. O(length).
 */
export function quickScore(q: string, candidate: string, lower: string): number | undefined {
  const n = lower.length;
  const trimmed = lower.charCodeAt(n - 1) === SLASH ? n - 1 : n;
  const basenameStart = lower.lastIndexOf("/", trimmed - 1) + 1;
  let score = 0;
  let j = n;
  let next = -1;
  for (let i = q.length - 1; i >= 0; i--) {
    j = lower.lastIndexOf(q[i]!, j - 1);
    if (j < 0) return undefined;
    score += MATCH + bonusAt(candidate, j, basenameStart);
    if (next === j + 1) score += CONSECUTIVE;
    else if (next >= 0) score -= GAP * (next - j - 1);
    next = j;
  }
  return score - n * 0.1;
}

/** How many quick-scored candidates are re-scored exactly. */
const RESCORE = 400;

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
  const low = lower ?? items.map((i) => i.toLowerCase());
  return fuzzyRank(query, items, low, limit).best.map((i) => items[i]!);
}

export interface Ranked {
  /** Indices of the best items, best first. */
  best: number[];
  /** Indices of every item that matched, in order (the candidates for a longer query). */
  matched: Int32Array;
}

/**
 * Ranks `items` (or only the indices in `among`) for `query`. Every candidate gets the O(length)
 * quick score, which is also the match test; the best RESCORE of those are ranked by the exact
 * one. One pass, no per-item allocation: a keystroke over 100k paths stays within a frame.
 */
export function fuzzyRank(
  query: string,
  items: readonly string[],
  lower: readonly string[],
  limit: number,
  among?: Int32Array,
): Ranked {
  const q = query.toLowerCase();
  const n = among ? among.length : items.length;
  const at = among ? (c: number) => among[c]! : (c: number) => c;
  if (scores.length < n) {
    scores = new Float64Array(n);
    indices = new Int32Array(n);
  }
  if (q.length === 0) {
    for (let c = 0; c < n; c++) scores[c] = -items[at(c)]!.length;
    const best = topOf(scores, n, limit).map(at);
    return { best, matched: among ?? Int32Array.from(items.keys()) };
  }
  // The hot loop: the quick score (also the match test) of every candidate.
  let count = 0;
  for (let c = 0; c < n; c++) {
    const i = among ? among[c]! : c;
    const sc = quickScore(q, items[i]!, lower[i]!);
    if (sc === undefined) continue;
    scores[count] = sc;
    indices[count++] = i;
  }
  const matched = indices.slice(0, count);
  const pool = topOf(scores, count, Math.max(limit, RESCORE)).map((c) => matched[c]!);
  const exact = pool.map((i) => ({ i, s: fuzzyScore(q, items[i]!, lower[i]) ?? Number.NEGATIVE_INFINITY }));
  exact.sort((a, b) => b.s - a.s || a.i - b.i);
  return { best: exact.slice(0, limit).map((e) => e.i), matched };
}

let scores = new Float64Array(1024);
let indices = new Int32Array(1024);

/** Positions (in `0…count`) of the `k` best of `sc`, best first, ties in position order. */
function topOf(sc: Float64Array, count: number, k: number): number[] {
  let threshold = Number.NEGATIVE_INFINITY;
  if (count > k) threshold = sc.slice(0, count).sort()[count - k]!;
  // Those above the threshold, then ties at it in order up to k: a big tie is never sorted.
  const kept: number[] = [];
  for (let c = 0; c < count; c++) if (sc[c]! > threshold) kept.push(c);
  for (let c = 0; c < count && kept.length < k; c++) if (sc[c] === threshold) kept.push(c);
  kept.sort((a, b) => sc[b]! - sc[a]! || a - b);
  return kept.slice(0, k);
}
