/**
 * Word wrapping for styled text: widths count what the terminal shows (escape codes take no
 * columns, wide characters two), and a style still open at a line's end is closed there and
 * reopened on the next line, so indents, borders and gutters around the lines stay unstyled.
 */

const SGR = /\x1b\[([0-9;]*)m/g;
const width = (s: string) => Bun.stringWidth(s);

/** What each closing code ends. */
const CLOSES: Record<string, (open: string) => boolean> = {
  "22": (o) => o === "1" || o === "2",
  "23": (o) => o === "3",
  "24": (o) => o === "4",
  "29": (o) => o === "9",
  "39": (o) => /^(3[0-7]|9[0-7]|38;.*)$/.test(o),
  "49": (o) => /^(4[0-7]|10[0-7]|48;.*)$/.test(o),
};

function track(active: string[], line: string): string[] {
  let now = [...active];
  for (const m of line.matchAll(SGR)) {
    const code = m[1] || "0";
    if (code === "0") now = [];
    else if (CLOSES[code]) now = now.filter((o) => !CLOSES[code]!(o));
    else now.push(code);
  }
  return now;
}

/** Splits a word wider than `cols` into pieces of at most `cols` columns, escapes kept in place. */
function breakWord(word: string, cols: number): string[] {
  const pieces: string[] = [];
  let piece = "";
  let w = 0;
  for (const part of word.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith("\x1b[")) {
      piece += part;
      continue;
    }
    for (const ch of part) {
      const cw = width(ch);
      if (w + cw > cols && w > 0) {
        pieces.push(piece);
        piece = "";
        w = 0;
      }
      piece += ch;
      w += cw;
    }
  }
  if (piece) pieces.push(piece);
  return pieces;
}

/**
 * Breaks `text` (which may hold `\n` and escape codes) at spaces into lines of at most `cols`
 * columns; lines after the first start with `indent`. A longer word stays whole on its own line,
 * or is cut when `hard` (table cells).
 */
export function wrapAnsi(text: string, cols: number, indent = "", hard = false): string[] {
  const raw: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    let lineWidth = 0;
    const push = () => {
      raw.push(line);
      line = indent;
      lineWidth = width(indent);
    };
    for (const word of para.split(/ +/)) {
      if (!word) continue;
      const pieces =
        hard && width(word) > cols - width(indent) ? breakWord(word, cols - width(indent)) : [word];
      for (const piece of pieces) {
        const w = width(piece);
        const blank = line === "" || line === indent;
        if (!blank && lineWidth + 1 + w > cols) push();
        const sep = line === "" || line === indent ? "" : " ";
        line += sep + piece;
        lineWidth += sep.length + w;
      }
    }
    raw.push(line);
  }
  // Close what a line leaves open; reopen it on the next.
  let active: string[] = [];
  return raw.map((l) => {
    const reopen = active.length ? `\x1b[${active.join(";")}m` : "";
    active = track(active, l);
    return `${reopen}${l}${active.length ? "\x1b[0m" : ""}`;
  });
}
