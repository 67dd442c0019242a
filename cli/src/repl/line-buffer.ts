/**
 * The text being edited and its cursor, with the editing operations of a readline-style prompt.
 * Pure: every operation returns a new buffer. The text may hold several lines (`\n`).
 */

export interface LineBuffer {
  readonly text: string;
  /** Offset into `text`, 0…text.length. */
  readonly cursor: number;
}

export const EMPTY: LineBuffer = { text: "", cursor: 0 };

export const bufferOf = (text: string, cursor = text.length): LineBuffer => ({
  text,
  cursor: Math.max(0, Math.min(cursor, text.length)),
});

export function insert(b: LineBuffer, s: string): LineBuffer {
  return { text: b.text.slice(0, b.cursor) + s + b.text.slice(b.cursor), cursor: b.cursor + s.length };
}

/** Replaces `[start, end)` with `s`, leaving the cursor after it. */
export function replaceRange(b: LineBuffer, start: number, end: number, s: string): LineBuffer {
  return { text: b.text.slice(0, start) + s + b.text.slice(end), cursor: start + s.length };
}

export function backspace(b: LineBuffer): LineBuffer {
  if (b.cursor === 0) return b;
  return { text: b.text.slice(0, b.cursor - 1) + b.text.slice(b.cursor), cursor: b.cursor - 1 };
}

export function deleteForward(b: LineBuffer): LineBuffer {
  if (b.cursor >= b.text.length) return b;
  return { text: b.text.slice(0, b.cursor) + b.text.slice(b.cursor + 1), cursor: b.cursor };
}

export const left = (b: LineBuffer): LineBuffer => bufferOf(b.text, b.cursor - 1);
export const right = (b: LineBuffer): LineBuffer => bufferOf(b.text, b.cursor + 1);

const lineStart = (b: LineBuffer): number => b.text.lastIndexOf("\n", b.cursor - 1) + 1;
const lineEnd = (b: LineBuffer): number => {
  const n = b.text.indexOf("\n", b.cursor);
  return n < 0 ? b.text.length : n;
};

export const home = (b: LineBuffer): LineBuffer => bufferOf(b.text, lineStart(b));
export const end = (b: LineBuffer): LineBuffer => bufferOf(b.text, lineEnd(b));

const isWord = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

export function wordLeft(b: LineBuffer): LineBuffer {
  let i = b.cursor;
  while (i > 0 && !isWord(b.text[i - 1])) i--;
  while (i > 0 && isWord(b.text[i - 1])) i--;
  return bufferOf(b.text, i);
}

export function wordRight(b: LineBuffer): LineBuffer {
  let i = b.cursor;
  while (i < b.text.length && !isWord(b.text[i])) i++;
  while (i < b.text.length && isWord(b.text[i])) i++;
  return bufferOf(b.text, i);
}

/** Ctrl-W: the whitespace-separated word before the cursor. */
export function deleteWordBack(b: LineBuffer): LineBuffer {
  let i = b.cursor;
  while (i > 0 && /\s/.test(b.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(b.text[i - 1]!)) i--;
  return { text: b.text.slice(0, i) + b.text.slice(b.cursor), cursor: i };
}

/** Ctrl-K: to the end of the current line (joins the next line when already there). */
export function killLine(b: LineBuffer): LineBuffer {
  const e = lineEnd(b);
  const to = e === b.cursor && e < b.text.length ? e + 1 : e;
  return { text: b.text.slice(0, b.cursor) + b.text.slice(to), cursor: b.cursor };
}

/** Ctrl-U: from the start of the current line to the cursor. */
export function killToStart(b: LineBuffer): LineBuffer {
  const s = lineStart(b);
  return { text: b.text.slice(0, s) + b.text.slice(b.cursor), cursor: s };
}

/** The cursor one line up or down at the same column; undefined on the first or last line. */
export function verticalMove(b: LineBuffer, dir: -1 | 1): LineBuffer | undefined {
  const start = lineStart(b);
  const col = b.cursor - start;
  if (dir < 0) {
    if (start === 0) return undefined;
    const prevStart = b.text.lastIndexOf("\n", start - 2) + 1;
    return bufferOf(b.text, Math.min(prevStart + col, start - 1));
  }
  const e = lineEnd(b);
  if (e >= b.text.length) return undefined;
  const nextEnd = b.text.indexOf("\n", e + 1);
  return bufferOf(b.text, Math.min(e + 1 + col, nextEnd < 0 ? b.text.length : nextEnd));
}

/** Row and column of the cursor in the text's lines. */
export function cursorPosition(b: LineBuffer): { row: number; col: number } {
  const before = b.text.slice(0, b.cursor);
  const row = before.split("\n").length - 1;
  return { row, col: b.cursor - (before.lastIndexOf("\n") + 1) };
}

/** The whitespace-delimited token ending at the cursor (what completion works on). */
export function tokenAtCursor(b: LineBuffer): { start: number; end: number; text: string } {
  let start = b.cursor;
  // A quoted @"path with spaces" is one token.
  const quoted = /@"[^"\n]*$/.exec(b.text.slice(0, b.cursor));
  if (quoted) start = quoted.index;
  else while (start > 0 && !/\s/.test(b.text[start - 1]!)) start--;
  let e = b.cursor;
  while (e < b.text.length && !/\s/.test(b.text[e]!)) e++;
  return { start, end: e, text: b.text.slice(start, b.cursor) };
}
