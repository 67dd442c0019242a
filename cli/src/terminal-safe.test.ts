import { expect, test } from "bun:test";
import { terminalSafe, terminalSafeDeep } from "./terminal-safe.ts";

test("escape sequences and control characters go; text, newlines, tabs and Unicode stay", () => {
  expect(terminalSafe("a\tb\nc — ünïcode 🙂")).toBe("a\tb\nc — ünïcode 🙂");
  const cases: [string, string][] = [
    ["clip\x1b]52;c;cHduZWQ=\x07board", "clipboard"], // OSC 52 clipboard write, BEL-terminated
    ["ti\x1b]0;PWNED\x1b\\tle", "title"], // OSC with ST
    ["link \x1b]8;;https://evil\x07here\x1b]8;;\x07", "link here"], // OSC 8 hyperlink
    ["\x1b[2J\x1b[Hclear", "clear"], // clear screen, cursor home
    ["\x1b[31mred\x1b[0m \x1b[8mhidden\x1b[28m", "red hidden"], // colours and conceal
    ["\x1b[?2004lpaste", "paste"], // private mode (bracketed paste off)
    ["dcs\x1bP1$qm\x1b\\", "dcs"], // device control string
    ["c1\x9b2Jcsi\x9d0;x\x07", "c12Jcsi0;x"], // 8-bit CSI and OSC introducers
    ["over\rwrite\x08\x08", "overwrite"], // carriage return, backspace
    ["crlf\r\nline", "crlf\nline"],
    ["trailing \x1b", "trailing "],
    ["nul\x00del\x7f", "nuldel"],
  ];
  for (const [raw, safe] of cases) expect({ raw, out: terminalSafe(raw) }).toEqual({ raw, out: safe });
});

test("deep: every string inside a tool input, keys and other values kept", () => {
  expect(
    terminalSafeDeep({ path: "a\x1b[2J.ts", edits: [{ old: "x\x07", new: "y" }], n: 3, ok: null }),
  ).toEqual({
    path: "a.ts",
    edits: [{ old: "x", new: "y" }],
    n: 3,
    ok: null,
  });
});
