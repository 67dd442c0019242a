import { describe, expect, test } from "bun:test";
import { draw, menuLines } from "./editor-render.ts";
import { bufferOf } from "./line-buffer.ts";

const style = { dim: (s: string) => s, inverse: (s: string) => `[${s}]` };

describe("editor drawing", () => {
  test("continuation lines under `… `, the cursor put back on its row and column", () => {
    const d = draw("› ", bufferOf("one\ntwo", 1), undefined, 80, 0, style);
    expect(d.out).toBe("\r\x1b[J› one\r\n… two\x1b[1A\r\x1b[3C");
    expect(d.cursorRow).toBe(0);
  });

  test("a redraw first goes back up to where the last one began", () => {
    const d = draw("› ", bufferOf("x"), undefined, 80, 2, style);
    expect(d.out.startsWith("\x1b[2A\r\x1b[J")).toBe(true);
  });

  test("long lines wrap: the cursor row counts the wrapped rows", () => {
    const d = draw("› ", bufferOf("a".repeat(25)), undefined, 10, 0, style);
    expect(d.cursorRow).toBe(2);
    // A line that exactly fills its last row moves to the next one.
    const full = draw("› ", bufferOf("a".repeat(8)), undefined, 10, 0, style);
    expect(full.cursorRow).toBe(1);
    expect(full.out.endsWith("\r\n\r")).toBe(true);
  });

  test("the menu is drawn below, the chosen item marked, with a count of the rest", () => {
    const items = Array.from({ length: 12 }, (_, i) => ({
      value: `@f${i}.ts`,
      hint: i === 0 ? "help" : undefined,
    }));
    const lines = menuLines({ completion: { start: 0, end: 1, items }, selected: 0 }, 80, style);
    expect(lines[0]).toBe("  [ @f0.ts ] help");
    expect(lines[1]).toBe("   @f1.ts ");
    expect(lines.at(-1)).toBe("  … 4 more (Tab to choose)");
    const d = draw(
      "› ",
      bufferOf("@f"),
      { completion: { start: 0, end: 2, items }, selected: -1 },
      80,
      0,
      style,
    );
    expect(d.out).toContain("\r\n   @f7.ts ");
    expect(d.out.endsWith("\x1b[9A\r\x1b[4C")).toBe(true);
  });
});
