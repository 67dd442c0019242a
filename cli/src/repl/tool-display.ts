/**
 * How a tool call reads on a terminal: its key argument (path, command, pattern…) and, for
 * edits, a compact diff of the snippet it replaced.
 */
import type { Style } from "./style.ts";

const KEY_FIELDS = [
  "path",
  "file_path",
  "file",
  "command",
  "pattern",
  "query",
  "url",
  "glob",
  "dir",
  "directory",
];

function field(input: unknown, names: readonly string[]): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const o = input as Record<string, unknown>;
  for (const n of names) if (typeof o[n] === "string") return o[n];
  return undefined;
}

/** The argument that says what the call is about, on one line. */
export function keyArgument(input: unknown, max = 80): string {
  const v = field(input, KEY_FIELDS);
  if (v === undefined) return "";
  const line = v.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const OLD_FIELDS = ["old_string", "old_str", "oldText", "old_text", "old"];
const NEW_FIELDS = ["new_string", "new_str", "newText", "new_text", "new"];

/** `-`/`+` lines for an edit call (one edit, or `edits: [{ old, new }]`), else undefined. Long diffs are cut. */
export function editDiff(input: unknown, maxLines = 24): string[] | undefined {
  const edits =
    typeof input === "object" && input !== null ? (input as { edits?: unknown }).edits : undefined;
  const lines = Array.isArray(edits) ? edits.flatMap((e) => snippetDiff(e) ?? []) : snippetDiff(input);
  if (lines === undefined || (Array.isArray(edits) && lines.length === 0)) return undefined;
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`];
}

function snippetDiff(input: unknown): string[] | undefined {
  const before = field(input, OLD_FIELDS);
  const after = field(input, NEW_FIELDS) ?? field(input, ["content"]);
  if (after === undefined) return undefined;
  const minus = before === undefined || before === "" ? [] : before.split("\n").map((l) => `- ${l}`);
  const plus = after.split("\n").map((l) => `+ ${l}`);
  // Drop the common leading and trailing lines so only the change shows.
  let head = 0;
  while (head < minus.length && head < plus.length && minus[head]!.slice(2) === plus[head]!.slice(2)) head++;
  let tail = 0;
  while (
    tail < minus.length - head &&
    tail < plus.length - head &&
    minus[minus.length - 1 - tail]!.slice(2) === plus[plus.length - 1 - tail]!.slice(2)
  )
    tail++;
  return [...minus.slice(head, minus.length - tail), ...plus.slice(head, plus.length - tail)];
}

/** Lines longer than this are cut in previews. */
const PREVIEW_LINE_CHARS = 200;
const COMMAND_PREVIEW_LINES = 10;

/**
 * What a permission question shows before it asks: the diff of an edit (for a new file, its
 * content), or a command the question line cannot show whole (several lines, or long). Capped.
 */
export function callPreview(input: unknown, maxLines = 24): string[] {
  const cut = (l: string) => (l.length > PREVIEW_LINE_CHARS ? `${l.slice(0, PREVIEW_LINE_CHARS - 1)}…` : l);
  const diff = editDiff(input, maxLines);
  if (diff) return diff.map(cut);
  const command = field(input, ["command"]);
  if (command === undefined || (!command.includes("\n") && command.length <= 80)) return [];
  const lines = command.split("\n");
  const shown = lines.slice(0, COMMAND_PREVIEW_LINES).map((l, i) => cut(`${i === 0 ? "$" : " "} ${l}`));
  const more = lines.length - COMMAND_PREVIEW_LINES;
  return more > 0 ? [...shown, `… ${more} more lines`] : shown;
}

/** A diff line in colour: `+` green, `-` red, anything else (a "… more" note) dim. */
export function styleDiffLine(d: string, style: Style): string {
  return d.startsWith("+") ? style.green(d) : d.startsWith("-") ? style.red(d) : style.dim(d);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** `$0.0123`, or `≥ $0.0123 (some usage unpriced)` when part of the usage had no known price. */
export function formatCost(usd: number, partial?: boolean): string {
  return partial ? `≥ $${usd.toFixed(4)} (some usage unpriced)` : `$${usd.toFixed(4)}`;
}

export function formatTokens(n: number): string {
  return n < 1000
    ? String(n)
    : n < 1_000_000
      ? `${(n / 1000).toFixed(1)}k`
      : `${(n / 1_000_000).toFixed(2)}M`;
}

/** `1.2k in · 40 out`; `(estimated)` when some of it was counted by Loom, not reported by the provider. */
export function formatUsage(
  u: { inputTokens: number; outputTokens: number; estimated?: boolean },
  separator = " · ",
): string {
  const counts = `${formatTokens(u.inputTokens)} in${separator}${formatTokens(u.outputTokens)} out`;
  return u.estimated ? `${counts} (estimated)` : counts;
}
