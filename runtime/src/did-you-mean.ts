/**
 * "Did you mean …?" for names a user typed: commands, flags, models, config keys, tools.
 * @example
 * closest("rnu", ["run", "repl", "resume"]) // ["run"]
 * didYouMean("claude-sonet-4-6", MODELS.map((m) => m.id)) // " (did you mean claude-sonnet-4-6?)"
 */

/** Levenshtein distance (insertions, deletions, substitutions), for short strings. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** How far a candidate may be from the typed name: 1 edit for names of 3 letters or fewer, else 2. */
function tolerance(candidate: string): number {
  return candidate.length <= 3 ? 1 : 2;
}

/**
 * The candidates within a typo of `name`, nearest first (a swapped pair of letters counts as
 * one edit, so `rnu` finds `run`).
 */
export function closest(name: string, candidates: Iterable<string>): string[] {
  const scored: Array<[string, number]> = [];
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = Math.min(distance(name, c), swapped(name, c) ? 1 : Number.POSITIVE_INFINITY);
    if (d <= tolerance(c)) scored.push([c, d]);
  }
  return scored.sort((a, b) => a[1] - b[1]).map(([c]) => c);
}

/** True when `b` is `a` with two neighbouring letters exchanged. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
  const [i, j] = diff;
  return diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

/** ` (did you mean x?)` / ` (did you mean x or y?)`, or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>, render = (c: string) => c): string {
  const close = closest(name, candidates).slice(0, 3);
  return close.length > 0 ? ` (did you mean ${close.map(render).join(" or ")}?)` : "";
}
