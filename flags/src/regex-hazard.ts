/**
 * A guard against regular expressions that can take exponential time (ReDoS) on a crafted attribute
 * value. A heuristic, as `safe-regex` is: it refuses nested repeating quantifiers (`(a+)+`, `(\d+\.)*`,
 * `(a{2,5})+`: a repeated group holding `*`, `+`, `{n,}` or `{n,m}`) and backreferences; overlapping alternatives under
 * one quantifier (`(a|a)*`) are not detected.
 */

/** Why the pattern may backtrack catastrophically, or null. */
export function regexHazard(source: string): string | null {
  /** Per open group: whether it holds a repeating quantifier. */
  const groups: boolean[] = [false];
  /** The atom just read was a group holding a repeating quantifier. */
  let nestedAtom = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      const next = source[i + 1] ?? "";
      if (/[1-9]/.test(next) || next === "k") return "uses a backreference, which can take exponential time";
      i++;
      nestedAtom = false;
      continue;
    }
    if (ch === "[") {
      // A class is one atom: skip to its closing bracket (escapes inside skipped too).
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      while (j < source.length && source[j] !== "]") j += source[j] === "\\" ? 2 : 1;
      i = j;
      nestedAtom = false;
      continue;
    }
    if (ch === "(") {
      groups.push(false);
      nestedAtom = false;
      continue;
    }
    if (ch === ")") {
      const inner = groups.length > 1 ? (groups.pop() as boolean) : false;
      if (inner) groups[groups.length - 1] = true;
      nestedAtom = inner;
      continue;
    }
    const bound = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
    // A quantifier that lets the count vary beyond one (`*`, `+`, `{2,}`, `{2,5}`): the input can be
    // split between its repetitions in many ways.
    const varies =
      ch === "*" ||
      ch === "+" ||
      (bound !== null &&
        bound[2] !== undefined &&
        (bound[3] === "" || Number(bound[3]) > Math.max(1, Number(bound[1]))));
    if (ch === "*" || ch === "+" || ch === "?" || bound) {
      if (varies && nestedAtom)
        return "nests repeating quantifiers (like (a+)+), which can take exponential time";
      if (varies) groups[groups.length - 1] = true;
      if (bound) i += bound[0].length - 1;
      if (source[i + 1] === "?") i++; // lazy
      nestedAtom = false;
      continue;
    }
    nestedAtom = false;
  }
  return null;
}
