/**
 * Draws the line editor: the prompt and the text (continuation lines under a dim `… `), the
 * completion menu below, and the cursor put back where it belongs. Pure: returns the bytes to
 * write and where the cursor ends up, counted in rows from the top of what was drawn.
 */
import type { Completion } from "./completion.ts";
import { cursorPosition, type LineBuffer } from "./line-buffer.ts";

export const CONTINUATION = "… ";
const MENU_ROWS = 8;

export interface MenuState {
  completion: Completion;
  /** -1: shown, nothing chosen yet. */
  selected: number;
}

export interface DrawStyle {
  dim(s: string): string;
  inverse(s: string): string;
}

/** Reverse video for a chosen row; plain text without colour (a marker still shows it). */
export const inverseOf = (color: boolean): ((s: string) => string) =>
  color ? (s) => `\x1b[7m${s}\x1b[27m` : (s) => s;

export interface Drawn {
  out: string;
  /** The cursor's row below the first row drawn. */
  cursorRow: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleWidth = (s: string): number => [...s.replace(ANSI, "")].length;

/** Tabs and other control characters as one visible cell each. */
const shown = (s: string): string => s.replace(/[\t\x00-\x1f\x7f]/g, " ");

const rowsOf = (width: number, cols: number): number => Math.max(1, Math.ceil(width / cols));

/** The menu's lines: a window of items around the selection, and how many more there are. */
export function menuLines(menu: MenuState, cols: number, style: DrawStyle): string[] {
  const items = menu.completion.items;
  const first = Math.max(0, Math.min(menu.selected - MENU_ROWS + 1, items.length - MENU_ROWS));
  const top = Math.max(0, menu.selected < MENU_ROWS ? 0 : first);
  const lines: string[] = [];
  for (let i = top; i < Math.min(items.length, top + MENU_ROWS); i++) {
    const it = items[i]!;
    const room = Math.max(10, cols - 6);
    const value = shown(it.value).slice(0, room);
    const hint = it.hint ? shown(it.hint).slice(0, Math.max(0, room - value.length - 2)) : "";
    const label = i === menu.selected ? style.inverse(` ${value} `) : ` ${value} `;
    lines.push(`  ${label}${hint ? style.dim(` ${hint}`) : ""}`);
  }
  const more = items.length - lines.length;
  if (more > 0) lines.push(style.dim(`  … ${more} more (Tab to choose)`));
  return lines;
}

/**
 * The bytes that redraw the editor, given that the cursor is now `fromRow` rows below the first
 * row of the previous drawing (0 for a fresh prompt).
 */
export function draw(
  prompt: string,
  buf: LineBuffer,
  menu: MenuState | undefined,
  cols: number,
  fromRow: number,
  style: DrawStyle,
): Drawn {
  let out = fromRow > 0 ? `\x1b[${fromRow}A` : "";
  out += "\r\x1b[J";
  const lines = buf.text.split("\n");
  const promptWidth = visibleWidth(prompt);
  const contWidth = CONTINUATION.length;
  const startRows: number[] = [];
  let row = 0;
  let lastWidth = 0;
  lines.forEach((line, i) => {
    if (i > 0) out += "\r\n";
    startRows.push(row);
    const lead = i === 0 ? prompt : style.dim(CONTINUATION);
    const width = (i === 0 ? promptWidth : contWidth) + [...line].length;
    out += lead + shown(line);
    row += rowsOf(width, cols);
    lastWidth = width;
  });
  // A line that exactly fills the last column leaves the cursor pending at its end: move on.
  if (lastWidth > 0 && lastWidth % cols === 0) {
    out += "\r\n";
    row++;
  }
  let endRow = row - 1;
  if (menu) {
    for (const l of menuLines(menu, cols, style)) {
      out += `\r\n${l}`;
      endRow++;
    }
  }
  const { row: cRow, col } = cursorPosition(buf);
  const lead = cRow === 0 ? promptWidth : contWidth;
  const prefix = [...(lines[cRow] ?? "").slice(0, col)].length;
  const at = lead + prefix;
  const targetRow = startRows[cRow]! + Math.floor(at / cols);
  const targetCol = at % cols;
  if (endRow > targetRow) out += `\x1b[${endRow - targetRow}A`;
  out += "\r";
  if (targetCol > 0) out += `\x1b[${targetCol}C`;
  return { out, cursorRow: targetRow };
}
