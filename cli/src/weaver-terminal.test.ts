import { expect, test } from "bun:test";
import { repoArgument } from "./commands/new.ts";
import { createDetachScanner } from "./weaver-terminal.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("Ctrl+P Ctrl+Q detaches, also split across reads; Ctrl+P then another key is sent as typed", () => {
  const s = createDetachScanner();
  expect(s.feed(bytes("ls\r"))).toEqual({ send: bytes("ls\r"), detach: false });
  expect(s.feed(bytes("a\x10"))).toEqual({ send: bytes("a"), detach: false });
  expect(s.feed(bytes("\x11rest"))).toEqual({ send: bytes(""), detach: true });
  const t = createDetachScanner();
  expect(text(t.feed(bytes("\x10x")).send)).toBe("\x10x");
  expect(text(t.feed(bytes("\x10\x10\x11")).send)).toBe("\x10");
});

test("a local path becomes absolute for the server; URLs and scp-style remotes are left alone", () => {
  expect(repoArgument(".", "/")).toBe("/");
  expect(repoArgument("file:///srv/r")).toBe("file:///srv/r");
  expect(repoArgument("https://example.com/r.git")).toBe("https://example.com/r.git");
  expect(repoArgument("git@example.com:o/r.git")).toBe("git@example.com:o/r.git");
});
