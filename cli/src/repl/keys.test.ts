import { describe, expect, test } from "bun:test";
import { createKeyDecoder, type Key } from "./keys.ts";

const types = (keys: Key[]) =>
  keys.map((k) => (k.type === "text" || k.type === "paste" ? `${k.type}:${k.text}` : k.type));

describe("key decoder", () => {
  test("text, Enter at the end of a read, control keys and escape sequences", () => {
    const d = createKeyDecoder();
    expect(types(d.feed("ab"))).toEqual(["text:ab"]);
    expect(types(d.feed("\r"))).toEqual(["enter"]);
    expect(types(d.feed("\t\x1b[Z\x7f\x03\x04\x17\x15\x0b"))).toEqual([
      "tab",
      "shift-tab",
      "backspace",
      "ctrl-c",
      "ctrl-d",
      "delete-word-back",
      "kill-to-start",
      "kill-line",
    ]);
    expect(types(d.feed("\x1b[A\x1b[B\x1b[C\x1b[D\x1bOH\x1b[F\x1b[3~\x1b[1;5C\x1b[1;5D"))).toEqual([
      "up",
      "down",
      "right",
      "left",
      "home",
      "end",
      "delete",
      "word-right",
      "word-left",
    ]);
  });

  test("a lone ESC is the Esc key; ESC then a key is Alt+key", () => {
    const d = createKeyDecoder();
    expect(types(d.feed("\x1b"))).toEqual(["escape"]);
    expect(types(d.feed("\x1b\r"))).toEqual(["newline"]);
    expect(types(d.feed("\x1bb\x1bf"))).toEqual(["word-left", "word-right"]);
  });

  test("a bracketed paste is one event, even across reads and with its end marker split", () => {
    const d = createKeyDecoder();
    expect(types(d.feed("x\x1b[200~line 1\r\nline"))).toEqual(["text:x"]);
    expect(types(d.feed(" 2\x1b[20"))).toEqual([]);
    expect(types(d.feed("1~y"))).toEqual(["paste:line 1\nline 2", "text:y"]);
  });

  test("a carriage return with text after it in the same read is a pasted line break", () => {
    const d = createKeyDecoder();
    expect(types(d.feed("one\rtwo\r"))).toEqual(["text:one\ntwo", "enter"]);
    // Keys typed fast (Enter then Esc) stay keys.
    expect(types(d.feed("go\r\x1b"))).toEqual(["text:go", "enter", "escape"]);
  });

  test("an escape sequence cut between reads waits for its end", () => {
    const d = createKeyDecoder();
    expect(types(d.feed("\x1b["))).toEqual([]);
    expect(types(d.feed("A"))).toEqual(["up"]);
  });
});
