/**
 * Cuts streamed Markdown into blocks as they complete, so each is rendered once and never
 * redrawn: a paragraph, list, table or quote ends at a blank line (a list only when the next line
 * does not continue it), a heading or rule at its own line's end, fenced code at its closing
 * fence. A long code block comes out in pieces of `CODE_CHUNK_LINES` lines, each a fenced block of
 * its own, so it shows while it streams. Pure: text in, block sources out.
 */

export interface MarkdownBlock {
  source: string;
  /** A blank line separated it from the block before (a heading followed by its text has none). */
  gap: boolean;
}

export interface MarkdownStream {
  /** Adds streamed text; returns the blocks it completed, in order. */
  push(text: string): MarkdownBlock[];
  /** The rest, complete or not (the turn ended, or a tool call or question comes next). */
  flush(): MarkdownBlock[];
}

const CODE_CHUNK_LINES = 40;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(\s|$)/;
const RULE = /^ {0,3}([-*_])( *\1){2,} *$/;
const SETEXT = /^ {0,3}(=+|-+) *$/;
const LIST_ITEM = /^ {0,3}([-*+]|\d{1,9}[.)])(\s|$)/;

export function createMarkdownStream(): MarkdownStream {
  let partial = "";
  let block: string[] = [];
  /** The open fence's marker (``` or ~~~~), while inside fenced code. */
  let fence: string | undefined;
  /** A list block that saw a blank line: it ends unless the next line continues it. */
  let listGap = false;
  /** A blank line came after the last block taken. */
  let gap = false;

  const isList = () => block.length > 0 && LIST_ITEM.test(block[0]!);
  const isTable = () => block.length > 0 && block[0]!.trimStart().startsWith("|");
  const take = (): MarkdownBlock[] => {
    const source = block.join("\n").replace(/\n\s*$/, "");
    const hadGap = listGap;
    block = [];
    listGap = false;
    if (!source.trim()) return [];
    const taken = { source, gap };
    gap = hadGap;
    return [taken];
  };
  const single = (source: string): MarkdownBlock[] => {
    const taken = { source, gap };
    gap = false;
    return [taken];
  };

  const line = (l: string): MarkdownBlock[] => {
    if (fence !== undefined) {
      const close = FENCE.exec(l);
      if (
        close &&
        close[1]![0] === fence[0] &&
        close[1]!.length >= fence.length &&
        !l.trim().slice(close[1]!.length).trim()
      ) {
        block.push(l);
        fence = undefined;
        return take();
      }
      block.push(l);
      if (block.length > CODE_CHUNK_LINES) {
        const open = block[0]!;
        const chunk = [...block, open.trimStart().slice(0, fence.length)].join("\n");
        block = [open];
        return single(chunk);
      }
      return [];
    }
    const out: MarkdownBlock[] = [];
    const blank = !l.trim();
    if (listGap && !blank) {
      const continues = /^\s{2,}\S/.test(l) || LIST_ITEM.test(l);
      if (!continues) out.push(...take());
      listGap = false;
    }
    const open = FENCE.exec(l);
    if (open && !(isList() && /^\s{2,}/.test(l))) {
      out.push(...take());
      fence = open[1]!;
      block.push(l);
      return out;
    }
    if (blank) {
      if (isList()) {
        listGap = true;
        block.push(l);
      } else {
        out.push(...take());
        gap = true;
      }
      return out;
    }
    if (HEADING.test(l)) return [...out, ...take(), ...single(l)];
    if (SETEXT.test(l) && block.length > 0 && !isList() && !isTable()) {
      block.push(l);
      return [...out, ...take()];
    }
    if (RULE.test(l)) return [...out, ...take(), ...single(l)];
    if (isTable() && !l.includes("|")) out.push(...take());
    block.push(l);
    return out;
  };

  return {
    push(text) {
      partial += text;
      const lines = partial.split("\n");
      partial = lines.pop()!;
      return lines.flatMap(line);
    },
    flush() {
      const out = partial ? line(partial) : [];
      partial = "";
      if (fence !== undefined) {
        // An unclosed fence: close it so the code still renders as code.
        block.push(block[0]!.trimStart().slice(0, fence.length));
        fence = undefined;
      }
      return [...out, ...take()];
    },
  };
}
