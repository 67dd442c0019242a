/** Word wrapping for REPL output, so lists break between words, not inside them. */

/**
 * Breaks `text` at spaces into lines of at most `width` columns; lines after the first start with
 * `indent`. A word longer than a line stays whole on its own line.
 * @example wrapWords("also: a, b, c", 8, "  ") // ["also: a,", "  b, c"]
 */
export function wrapWords(text: string, width: number, indent = ""): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    if (!word) continue;
    const prefix = lines.length === 0 ? "" : indent;
    const candidate = line ? `${line} ${word}` : `${prefix}${word}`;
    if (line && candidate.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else line = candidate;
  }
  if (line) lines.push(line);
  return lines;
}
