import { describe, expect, test } from "bun:test";
import type { Key } from "./keys.ts";
import { filterItems, type PickItem, pickerLines, pickerStart, pickerStep } from "./picker.ts";

const ITEMS: PickItem[] = [
  { id: "T-1", label: "fix the parser", hint: "· 1m ago" },
  { id: "T-2", label: "write the docs", hint: "· 2h ago" },
  { id: "T-3", label: "parse dates", hint: "· 3d ago" },
];
const run = (...keys: Key[]) => keys.reduce((s, k) => pickerStep(ITEMS, s, k), pickerStart(ITEMS));
const text = (t: string): Key => ({ type: "text", text: t });

describe("picker", () => {
  test("typing filters (fuzzy, over label and id) and resets the selection", () => {
    expect(filterItems(ITEMS, "pars").map((i) => i.id)).toEqual(["T-3", "T-1"]);
    expect(filterItems(ITEMS, "T-2").map((i) => i.id)).toEqual(["T-2"]);
    const s = run({ type: "down" }, text("docs"));
    expect(s.shown.map((i) => i.id)).toEqual(["T-2"]);
    expect(s.selected).toBe(0);
    expect(run(text("docsx"), { type: "backspace" }).shown.map((i) => i.id)).toEqual(["T-2"]);
  });

  test("arrows move within the list; Enter chooses; Esc and Ctrl-C cancel", () => {
    expect(run({ type: "down" }, { type: "down" }, { type: "down" }).selected).toBe(2);
    expect(run({ type: "up" }).selected).toBe(0);
    expect(run({ type: "down" }, { type: "enter" }).done).toEqual({ id: "T-2" });
    expect(run({ type: "escape" }).done).toEqual({});
    expect(run({ type: "ctrl-c" }).done).toEqual({});
    // Enter with nothing matching does nothing.
    expect(run(text("zzz"), { type: "enter" }).done).toBeUndefined();
  });

  test("lines: title, query, rows with the chosen one marked, a note when nothing matches", () => {
    const io = { dim: (s: string) => s, inverse: (s: string) => `[${s}]` };
    expect(pickerLines("Pick", run(text("pars")), 80, io)).toEqual([
      "Pick",
      "› pars",
      "[▸ parse dates  · 3d ago]",
      "  fix the parser  · 1m ago",
    ]);
    expect(pickerLines("Pick", run(text("zzz")), 80, io).at(-1)).toBe("  no match");
  });
});
