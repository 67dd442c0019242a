/**
 * Finds a literal every match of a regular expression must contain, so grep can reject most files
 * with one native Buffer.indexOf before decoding them. Conservative: any alternation, or anything it
 * does not understand, means "no literal" (the search is then just slower, never wrong).
 */
const META = new Set([..."^$.*+?()[]{}|\\/"]);
const QUANTIFIER_OPTIONAL = new Set(["?", "*", "{"]);
const MIN_LITERAL = 3;

export function requiredLiteral(source: string): string | undefined {
  if (source.includes("|")) return undefined;
  const runs: string[] = [];
  let run = "";
  const end = () => {
    if (run.length > 0) runs.push(run);
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    let literal: string | undefined;
    let width = 1;
    if (c === "\\") {
      const n = source[i + 1];
      if (n === undefined) return undefined;
      if (/[^A-Za-z0-9]/.test(n)) literal = n; // escaped punctuation: \. \( \/
      width = 2;
      if (n === "u" || n === "x" || n === "c" || n === "p" || n === "P" || n === "k") return undefined;
    } else if (c === "(" || c === "[") {
      end();
      const close = skipGroup(source, i);
      if (close < 0) return undefined;
      i = close;
      if (QUANTIFIER_OPTIONAL.has(source[i + 1] ?? "")) i = skipQuantifier(source, i + 1);
      continue;
    } else if (!META.has(c)) {
      literal = c;
    }
    const next = source[i + width] ?? "";
    if (QUANTIFIER_OPTIONAL.has(next) || next === "+") {
      // "ab?c", "ab*c", "ab{0,2}c": b may be absent; "ab+c": one b is certain, the run stops after it.
      if (next === "+" && literal !== undefined) run += literal;
      end();
      i = skipQuantifier(source, i + width);
      continue;
    }
    if (literal === undefined) end();
    else run += literal;
    i += width - 1;
  }
  end();
  const best = runs.reduce((a, b) => (b.length > a.length ? b : a), "");
  return best.length >= MIN_LITERAL ? best : undefined;
}

/** Index of the `)` or `]` closing the group or class opened at `start`, or -1. */
function skipGroup(source: string, start: number): number {
  let depth = 0;
  let inClass = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") {
        inClass = false;
        if (depth === 0) return i;
      }
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return -1;
}

/** Index of the last character of the quantifier starting at `i` (`?`, `*`, `+`, `{m,n}`, lazy `?`). */
function skipQuantifier(source: string, i: number): number {
  let j = i;
  if (source[j] === "{") {
    const close = source.indexOf("}", j);
    if (close < 0) return j;
    j = close;
  }
  if (source[j + 1] === "?") j++;
  return j;
}
