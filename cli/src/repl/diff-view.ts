/**
 * An edit call as a numbered diff: for each `{old, new}` snippet, where it sits in the file (line
 * numbers, found in the file's text before the edit when that is known, and then whole lines: the
 * snippet with the rest of its first and last lines), its removed and added lines with the
 * unchanged lines between them, the number gutter dim, `-` red and `+` green, and
 * the code coloured by the file's language when a highlighter is at hand.
 */
import type { Style } from "./style.ts";

export interface DiffLine {
  kind: "-" | "+" | " ";
  /** The line's number in the file (before the edit for `-`, after it for `+` and context); absent when unknown. */
  no?: number;
  text: string;
}

/** Colours whole snippets (so multi-line strings and comments stay right) by the file's language. */
export type Highlighter = (code: string, path: string) => string[];

interface Snippet {
  old: string;
  new: string;
  replaceAll: boolean;
}

const OLD_FIELDS = ["old_string", "old_str", "oldText", "old_text", "old"];
const NEW_FIELDS = ["new_string", "new_str", "newText", "new_text", "new", "content"];
/** Snippets longer than this (in lines) are diffed by prefix and suffix only. */
const LCS_MAX_LINES = 400;
/** Longer lines are cut. */
const LINE_CHARS = 200;

function pick(o: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const n of names) if (typeof o[n] === "string") return o[n];
  return undefined;
}

function snippets(input: unknown): Snippet[] | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const o = input as Record<string, unknown>;
  const list = Array.isArray(o.edits) ? o.edits : [o];
  const out: Snippet[] = [];
  for (const e of list) {
    if (typeof e !== "object" || e === null) continue;
    const r = e as Record<string, unknown>;
    const after = pick(r, NEW_FIELDS);
    if (after === undefined) continue;
    out.push({ old: pick(r, OLD_FIELDS) ?? "", new: after, replaceAll: r.replace_all === true });
  }
  return out.length > 0 ? out : undefined;
}

/** The edit's path (`path` or `file_path`), if any. */
export function editPath(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  return pick(input as Record<string, unknown>, ["path", "file_path", "file"]);
}

/** Line-level longest common subsequence: pairs of equal line indexes, in order. */
function commonLines(a: string[], b: string[]): Array<[number, number]> {
  const n = a.length;
  const m = b.length;
  const dp = Array.from({ length: n + 1 }, () => new Uint16Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (dp[i + 1]![j]! >= dp[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/**
 * One snippet's lines: common leading and trailing lines dropped, the rest interleaved (removed
 * before added, unchanged lines between changes kept). `start` is the snippet's first line number.
 */
function snippetLines(before: string[], after: string[], start: number | undefined): DiffLine[] {
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  )
    tail++;
  const a = before.slice(head, before.length - tail);
  const b = after.slice(head, after.length - tail);
  const first = start === undefined ? undefined : start + head;
  const no = (k: number) => (first === undefined ? {} : { no: first + k });
  const pairs = a.length <= LCS_MAX_LINES && b.length <= LCS_MAX_LINES ? commonLines(a, b) : [];
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  for (const [pi, pj] of [...pairs, [a.length, b.length] as [number, number]]) {
    for (; i < pi; i++) out.push({ kind: "-", ...no(i), text: a[i]! });
    for (; j < pj; j++) out.push({ kind: "+", ...no(j), text: b[j]! });
    if (pi < a.length) out.push({ kind: " ", ...no(pj), text: b[pj]! });
    i = pi + 1;
    j = pj + 1;
  }
  return out;
}

/**
 * The diff of an edit call, given the file's text before it (undefined: not known, so no
 * numbers). Snippets apply in order, as the edit tool applies them. Undefined for other calls.
 */
export function editDiffLines(input: unknown, fileBefore: string | undefined): DiffLine[] | undefined {
  const list = snippets(input);
  if (!list) return undefined;
  let text = fileBefore;
  const out: DiffLine[] = [];
  for (const s of list) {
    let start: number | undefined;
    // Whole lines where the file is known: the snippet with the rest of its first and last lines.
    let prefix = "";
    let suffix = "";
    if (s.old === "") start = 1;
    else if (text !== undefined) {
      const at = text.indexOf(s.old);
      if (at >= 0) {
        start = text.slice(0, at).split("\n").length;
        const end = text.indexOf("\n", at + s.old.length);
        prefix = text.slice(text.lastIndexOf("\n", at - 1) + 1, at);
        suffix = text.slice(at + s.old.length, end < 0 ? text.length : end);
        text = s.replaceAll
          ? text.replaceAll(s.old, s.new)
          : text.slice(0, at) + s.new + text.slice(at + s.old.length);
      } else text = undefined;
    }
    const before = s.old === "" ? [] : `${prefix}${s.old}${suffix}`.split("\n");
    out.push(...snippetLines(before, `${prefix}${s.new}${suffix}`.split("\n"), start));
  }
  return out;
}

/**
 * Terminal lines for an edit's diff: `  12 - old`, `  12 + new`, `  13   same`; at most `maxLines`,
 * then `… N more lines`. Colours when `style` has them; code coloured by `highlight` when given.
 */
export function renderDiff(
  input: unknown,
  fileBefore: string | undefined,
  style: Style,
  highlight?: Highlighter,
  maxLines = 24,
): string[] | undefined {
  const lines = editDiffLines(input, fileBefore);
  if (!lines || lines.length === 0) return undefined;
  const cut = (t: string) => (t.length > LINE_CHARS ? `${t.slice(0, LINE_CHARS - 1)}…` : t);
  const shown = lines.slice(0, maxLines).map((l) => ({ ...l, text: cut(l.text) }));
  const path = editPath(input) ?? "";
  const coloured =
    style.enabled && highlight ? colourLines(shown, path, highlight) : shown.map((l) => l.text);
  const digits = Math.max(...shown.map((l) => String(l.no ?? "").length));
  const out = shown.map((l, k) => {
    const gutter = digits > 0 ? `${style.dim(String(l.no ?? "").padStart(digits))} ` : "";
    const text = coloured[k] ?? l.text;
    if (l.kind === "-") return `${gutter}${style.red("-")} ${style.enabled ? style.dim(text) : text}`;
    if (l.kind === "+") return `${gutter}${style.green("+")} ${text}`;
    return `${gutter}  ${text}`;
  });
  const more = lines.length - shown.length;
  return more > 0 ? [...out, style.dim(`… ${more} more lines`)] : out;
}

/** Highlights the removed and the added/unchanged lines as two runs, so context carries across lines. */
function colourLines(lines: DiffLine[], path: string, highlight: Highlighter): string[] {
  const olds = lines.filter((l) => l.kind === "-");
  const news = lines.filter((l) => l.kind !== "-");
  const oldColoured = highlight(olds.map((l) => l.text).join("\n"), path);
  const newColoured = highlight(news.map((l) => l.text).join("\n"), path);
  let i = 0;
  let j = 0;
  return lines.map((l) => (l.kind === "-" ? oldColoured[i++] : newColoured[j++]) ?? l.text);
}
