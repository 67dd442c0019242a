/**
 * The grep engine, shared by the main thread and the worker pool: reads files with a reused buffer,
 * skips binaries (a NUL byte in the first 8 KiB), rejects non-matching files with one native
 * Buffer.indexOf (of the literal, or of a literal the regex requires) and one multiline RegExp over the
 * whole text, then numbers lines.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { requiredLiteral } from "./regex-literal.ts";

export interface GrepSpec {
  pattern: string;
  literal: boolean;
  caseInsensitive: boolean;
}

/** One match: index of the file in the batch, 1-based line number, line text (capped). */
export type GrepHit = [file: number, line: number, text: string];

export const MAX_LINE_CHARS = 300;
/** Files larger than this are skipped (ripgrep would search them; an agent rarely wants to). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;
const BINARY_SNIFF_BYTES = 8192;

export interface CompiledSpec {
  /** Multiline form, tested once against the whole text: a sound pre-check for the per-line test. */
  whole: RegExp;
  line: RegExp;
  /** Bytes every matching file contains (the literal pattern, or a literal the regex requires). */
  needle?: Buffer;
  /** The needle alone decides whether a file matches. */
  exact: boolean;
  /** Whether `whole` may reject a file. Not with lookarounds: `foo(?!\s)` matches a line ending in foo
   * on its own, but not in the whole text, where a newline follows. */
  pretest: boolean;
}

export function compileSpec(spec: GrepSpec): CompiledSpec {
  const source = spec.literal ? spec.pattern.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&") : spec.pattern;
  const flags = spec.caseInsensitive ? "i" : "";
  const compiled: CompiledSpec = {
    whole: new RegExp(source, `${flags}m`),
    line: new RegExp(source, flags),
    exact: false,
    pretest: !/\(\?<?[=!]/.test(source),
  };
  if (spec.caseInsensitive) return compiled;
  const literal = spec.literal ? spec.pattern : requiredLiteral(spec.pattern);
  if (literal !== undefined) compiled.needle = Buffer.from(literal);
  compiled.exact = spec.literal;
  return compiled;
}

let scratch = Buffer.allocUnsafe(256 * 1024);

/** Searches `files` (absolute paths) in order, stopping once `limit` hits are collected. */
export function searchFiles(files: readonly string[], spec: GrepSpec, limit: number): GrepHit[] {
  const re = compileSpec(spec);
  const hits: GrepHit[] = [];
  for (let f = 0; f < files.length && hits.length < limit; f++) {
    const bytes = readFile(files[f]!);
    if (bytes === undefined || bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) continue;
    if (re.needle !== undefined && bytes.indexOf(re.needle) < 0) continue;
    const text = bytes.toString("utf8");
    if (!re.exact && re.pretest && !re.whole.test(text)) continue;
    let start = 0;
    for (let line = 1; start <= text.length && hits.length < limit; line++) {
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      const s = text.slice(start, end);
      if (re.line.test(s))
        hits.push([f, line, s.length > MAX_LINE_CHARS ? `${s.slice(0, MAX_LINE_CHARS)}…` : s]);
      start = end + 1;
    }
  }
  return hits;
}

function readFile(abs: string): Buffer | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO swapped in after the walk must not hang the search.
    fd = openSync(abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    let n = readSync(fd, scratch, 0, scratch.length, 0);
    if (n < scratch.length) return scratch.subarray(0, n);
    const size = fstatSync(fd).size;
    if (size > MAX_FILE_BYTES) return undefined;
    if (size >= scratch.length) scratch = Buffer.allocUnsafe(size + 1);
    n = readSync(fd, scratch, 0, scratch.length, 0);
    return scratch.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
