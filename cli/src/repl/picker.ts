/**
 * An interactive list picker (the thread picker of `loom resume` and `/resume`): a query line that
 * filters as you type (fuzzy), ↑/↓ to move, Enter to choose, Esc or Ctrl-C to cancel. The state
 * and its filtering are pure (`pickerStep`); `pick` draws it and feeds it keys.
 */
import { fuzzyFilter } from "./fuzzy.ts";
import type { Key } from "./keys.ts";

export interface PickItem {
  id: string;
  /** What is searched and shown (a thread's title). */
  label: string;
  /** Shown after the label (age, id). */
  hint?: string;
}

export interface PickerState {
  query: string;
  shown: PickItem[];
  selected: number;
  done?: { id?: string };
}

const ROWS = 10;

export function filterItems(items: readonly PickItem[], query: string): PickItem[] {
  if (!query.trim()) return [...items];
  const keyed = items.map((i) => `${i.label} ${i.id}`);
  const byKey = new Map(keyed.map((k, n) => [k, items[n]!]));
  return fuzzyFilter(query.trim(), keyed, items.length).map((k) => byKey.get(k)!);
}

export function pickerStart(items: readonly PickItem[]): PickerState {
  return { query: "", shown: [...items], selected: 0 };
}

export function pickerStep(items: readonly PickItem[], s: PickerState, k: Key): PickerState {
  const requery = (query: string): PickerState => ({ query, shown: filterItems(items, query), selected: 0 });
  switch (k.type) {
    case "text":
    case "paste":
      return requery(s.query + k.text.replace(/\s+/g, " "));
    case "backspace":
      return requery(s.query.slice(0, -1));
    case "delete-word-back":
    case "kill-to-start":
      return requery("");
    case "up":
    case "shift-tab":
      return { ...s, selected: Math.max(0, s.selected - 1) };
    case "down":
    case "tab":
      return { ...s, selected: Math.min(s.shown.length - 1, s.selected + 1) };
    case "enter": {
      const id = s.shown[s.selected]?.id;
      return id === undefined ? s : { ...s, done: { id } };
    }
    case "escape":
    case "ctrl-c":
    case "ctrl-d":
      return { ...s, done: {} };
    default:
      return s;
  }
}

export interface PickerIo {
  write(s: string): void;
  columns(): number;
  /** Starts delivering keys to `fn`; the returned function stops it. */
  keys(fn: (k: Key) => void): () => void;
  dim(s: string): string;
  inverse(s: string): string;
}

export function pickerLines(
  title: string,
  s: PickerState,
  cols: number,
  io: Pick<PickerIo, "dim" | "inverse">,
): string[] {
  const fit = (t: string) => (t.length > cols - 2 ? `${t.slice(0, cols - 3)}…` : t);
  const lines = [io.dim(fit(title)), `› ${s.query}`];
  const top = Math.max(0, s.selected - ROWS + 1);
  for (let i = top; i < Math.min(s.shown.length, top + ROWS); i++) {
    const it = s.shown[i]!;
    const text = fit(`${it.label}${it.hint ? `  ${it.hint}` : ""}`);
    lines.push(i === s.selected ? io.inverse(`▸ ${text}`) : `  ${text}`);
  }
  if (s.shown.length === 0) lines.push(io.dim("  no match"));
  const more = s.shown.length - Math.min(s.shown.length, ROWS);
  if (more > 0) lines.push(io.dim(`  … ${more} more`));
  return lines;
}

/** Shows the picker until a choice (its id) or a cancel (undefined). */
export function pick(title: string, items: readonly PickItem[], io: PickerIo): Promise<string | undefined> {
  return new Promise((resolve) => {
    let s = pickerStart(items);
    let rows = 0;
    const draw = (final = false) => {
      let out = rows > 1 ? `\x1b[${rows - 1}A` : "";
      out += "\r\x1b[J";
      if (final) {
        rows = 0;
        return io.write(out);
      }
      const lines = pickerLines(title, s, io.columns(), io);
      rows = lines.length;
      // The cursor ends on the query line, after the query.
      out += lines.join("\r\n");
      out += `\x1b[${rows - 2}A\r\x1b[${2 + s.query.length}C`;
      io.write(out);
      rows = 2;
    };
    const release = io.keys((k) => {
      s = pickerStep(items, s, k);
      if (s.done) {
        draw(true);
        release();
        resolve(s.done.id);
      } else draw();
    });
    draw();
  });
}
