import { describe, expect, test } from "bun:test";
import * as B from "./line-buffer.ts";

const at = (marked: string) => B.bufferOf(marked.replace("|", ""), marked.indexOf("|"));
const show = (b: B.LineBuffer) => `${b.text.slice(0, b.cursor)}|${b.text.slice(b.cursor)}`;

describe("line buffer", () => {
  test("insert, delete, move", () => {
    expect(show(B.insert(at("ab|c"), "X"))).toBe("abX|c");
    expect(show(B.backspace(at("ab|c")))).toBe("a|c");
    expect(show(B.backspace(at("|abc")))).toBe("|abc");
    expect(show(B.deleteForward(at("a|bc")))).toBe("a|c");
    expect(show(B.home(at("one\ntw|o")))).toBe("one\n|two");
    expect(show(B.end(at("o|ne\ntwo")))).toBe("one|\ntwo");
    expect(show(B.wordLeft(at("fix the bu|g")))).toBe("fix the |bug");
    expect(show(B.wordRight(at("f|ix the bug")))).toBe("fix| the bug");
  });

  test("kill commands", () => {
    expect(show(B.deleteWordBack(at("run @src/a.ts |")))).toBe("run |");
    expect(show(B.killLine(at("ab|cd\nef")))).toBe("ab|\nef");
    expect(show(B.killLine(at("ab|\nef")))).toBe("ab|ef");
    expect(show(B.killToStart(at("one\ntw|o")))).toBe("one\n|o");
  });

  test("up and down move between lines at the same column, undefined at the edges", () => {
    expect(show(B.verticalMove(at("abcd\nxy|z"), -1)!)).toBe("ab|cd\nxyz");
    expect(show(B.verticalMove(at("abc|d\nxy"), 1)!)).toBe("abcd\nxy|");
    expect(B.verticalMove(at("ab|c"), -1)).toBeUndefined();
    expect(B.verticalMove(at("ab|c"), 1)).toBeUndefined();
    expect(B.cursorPosition(at("ab\nc|d"))).toEqual({ row: 1, col: 1 });
  });

  test("the token at the cursor, a quoted @ mention as one", () => {
    expect(B.tokenAtCursor(at("look at @src/pa|rser"))).toEqual({ start: 8, end: 19, text: "@src/pa" });
    expect(B.tokenAtCursor(at('see @"my fi|'))).toEqual({ start: 4, end: 11, text: '@"my fi' });
    expect(B.tokenAtCursor(at("|"))).toEqual({ start: 0, end: 0, text: "" });
  });
});
