/**
 * One piece of Markdown as terminal lines: headings, emphasis, inline code, links, lists (nested,
 * ordered, tasks), block quotes, tables (aligned, wrapped within the width), rules, and fenced code
 * highlighted by language. With colour off (NO_COLOR) the same layout comes without escape codes.
 * Parsing is marked's lexer; this file only lays its tokens out.
 */
import { Lexer, type Token, type Tokens } from "marked";
import { highlightLines } from "./highlight.ts";
import type { Style } from "./style.ts";
import { wrapAnsi } from "./wrap-ansi.ts";

export interface MarkdownOptions {
  /** Columns to fit prose and tables in. */
  width: number;
  style: Style;
}

const width = (s: string) => Bun.stringWidth(s);

/** `src` rendered as lines (no trailing newline on any). */
export function renderMarkdown(src: string, opts: MarkdownOptions): string[] {
  const tokens = Lexer.lex(src, { gfm: true });
  return blocks(tokens, Math.max(20, opts.width), opts.style);
}

function blocks(tokens: readonly Token[], cols: number, st: Style): string[] {
  const out: string[] = [];
  let gap = false;
  for (const t of tokens) {
    if (t.type === "space") {
      gap = out.length > 0;
      continue;
    }
    const lines = block(t, cols, st);
    if (lines.length === 0) continue;
    if (gap) out.push("");
    gap = false;
    out.push(...lines);
  }
  return out;
}

function block(t: Token, cols: number, st: Style): string[] {
  switch (t.type) {
    case "heading": {
      const tk = t as Tokens.Heading;
      const text = inline(tk.tokens, st);
      const marked = st.enabled ? text : `${"#".repeat(tk.depth)} ${text}`;
      const styled =
        tk.depth === 1
          ? st.bold(st.underline(marked))
          : tk.depth === 2
            ? st.bold(marked)
            : st.bold(st.dim(marked));
      return wrapAnsi(styled, cols);
    }
    case "paragraph":
      return wrapAnsi(inline((t as Tokens.Paragraph).tokens, st), cols);
    case "text": {
      const tk = t as Tokens.Text;
      return wrapAnsi(tk.tokens ? inline(tk.tokens, st) : tk.text, cols);
    }
    case "code": {
      const tk = t as Tokens.Code;
      return highlightLines(tk.text, tk.lang || undefined, st.enabled).map((l) => `  ${l}`);
    }
    case "blockquote": {
      const inner = blocks((t as Tokens.Blockquote).tokens, cols - 2, st);
      return inner.map((l) => `${st.dim("│")} ${st.italic(l)}`);
    }
    case "list":
      return list(t as Tokens.List, cols, st);
    case "table":
      return table(t as Tokens.Table, cols, st);
    case "hr":
      return [st.dim("─".repeat(Math.min(cols, 40)))];
    case "html":
      return (t as Tokens.HTML).text.replace(/\n+$/, "").split("\n");
    case "def":
      return [];
    default:
      return "raw" in t && typeof t.raw === "string" ? t.raw.replace(/\n+$/, "").split("\n") : [];
  }
}

function list(tk: Tokens.List, cols: number, st: Style): string[] {
  const out: string[] = [];
  const start = typeof tk.start === "number" ? tk.start : 1;
  const marks = tk.items.map((_, i) => (tk.ordered ? `${start + i}.` : "•"));
  const markWidth = Math.max(...marks.map((m) => m.length));
  tk.items.forEach((item, i) => {
    if (i > 0 && tk.loose) out.push("");
    const box = item.task ? (item.checked ? "☑ " : "☐ ") : "";
    const mark = `${marks[i]!.padEnd(markWidth)} `;
    const pad = " ".repeat(mark.length);
    const body = blocks(
      item.tokens.filter((t) => t.type !== "checkbox"),
      cols - mark.length,
      st,
    );
    body.forEach((line, j) => {
      out.push(j === 0 ? `${tk.ordered ? mark : st.dim(mark)}${box}${line}` : `${pad}${line}`);
    });
    if (body.length === 0) out.push(`${mark}${box}`);
  });
  return out;
}

function table(tk: Tokens.Table, cols: number, st: Style): string[] {
  const header = tk.header.map((c) => inline(c.tokens, st));
  const rows = tk.rows.map((r) => r.map((c) => inline(c.tokens, st)));
  const n = header.length;
  const natural = Array.from({ length: n }, (_, i) =>
    Math.max(1, width(header[i]!), ...rows.map((r) => width(r[i] ?? ""))),
  );
  // Borders take 3 columns per cell plus 1; the widest columns give way until the table fits.
  const budget = Math.max(n * 3, cols - (3 * n + 1));
  const widths = [...natural];
  for (let guard = 0; widths.reduce((a, b) => a + b, 0) > budget && guard < 10_000; guard++) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 3) break;
    widths[widest]!--;
  }
  const line = (l: string, m: string, r: string) =>
    st.dim(`${l}${widths.map((w) => "─".repeat(w + 2)).join(m)}${r}`);
  const row = (cells: string[], bold: boolean): string[] => {
    const wrapped = widths.map((w, i) => wrapAnsi(cells[i] ?? "", w, "", true));
    const height = Math.max(1, ...wrapped.map((c) => c.length));
    return Array.from({ length: height }, (_, y) => {
      const parts = widths.map((w, i) => {
        const text = wrapped[i]![y] ?? "";
        const fill = " ".repeat(Math.max(0, w - width(text)));
        const align = tk.align[i];
        const half = fill.length >> 1;
        const cell =
          align === "right"
            ? fill + text
            : align === "center"
              ? fill.slice(0, half) + text + fill.slice(half)
              : text + fill;
        return ` ${bold ? st.bold(cell) : cell} `;
      });
      return `${st.dim("│")}${parts.join(st.dim("│"))}${st.dim("│")}`;
    });
  };
  return [
    line("┌", "┬", "┐"),
    ...row(header, true),
    line("├", "┼", "┤"),
    ...rows.flatMap((r) => row(r, false)),
    line("└", "┴", "┘"),
  ];
}

function inline(tokens: readonly Token[] | undefined, st: Style): string {
  let s = "";
  for (const t of tokens ?? []) {
    switch (t.type) {
      case "text": {
        const tk = t as Tokens.Text;
        s += tk.tokens ? inline(tk.tokens, st) : decode(tk.text);
        break;
      }
      case "escape":
        s += (t as Tokens.Escape).text;
        break;
      case "strong":
        s += st.bold(inline((t as Tokens.Strong).tokens, st));
        break;
      case "em":
        s += st.italic(inline((t as Tokens.Em).tokens, st));
        break;
      case "del":
        s += st.enabled
          ? st.strike(inline((t as Tokens.Del).tokens, st))
          : `~~${inline((t as Tokens.Del).tokens, st)}~~`;
        break;
      case "codespan": {
        const text = decode((t as Tokens.Codespan).text);
        s += st.enabled ? st.cyan(text) : `\`${text}\``;
        break;
      }
      case "link": {
        const tk = t as Tokens.Link;
        const text = inline(tk.tokens, st);
        const plain = tk.text.replace(/^mailto:/, "");
        s +=
          plain === tk.href || `mailto:${plain}` === tk.href
            ? st.blue(st.underline(text))
            : `${st.blue(st.underline(text))} ${st.dim(`(${tk.href})`)}`;
        break;
      }
      case "image": {
        const tk = t as Tokens.Image;
        s += st.dim(`[image: ${tk.text || tk.href}] (${tk.href})`);
        break;
      }
      case "br":
        s += "\n";
        break;
      case "html":
        s += (t as Tokens.HTML).text;
        break;
      default:
        s += "raw" in t && typeof t.raw === "string" ? t.raw : "";
    }
  }
  return s;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
