/**
 * Just enough Markdown for chat replies, as data (the webview builds DOM nodes from it, never
 * HTML strings): fenced code blocks, and inline `code` within prose.
 */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "block"; lang: string; text: string };

function inline(text: string, out: Segment[]): void {
  const parts = text.split(/(`[^`\n]+`)/);
  for (const p of parts) {
    if (p === "") continue;
    if (p.length > 2 && p.startsWith("`") && p.endsWith("`"))
      out.push({ kind: "code", text: p.slice(1, -1) });
    else out.push({ kind: "text", text: p });
  }
}

/** Splits a reply into prose, inline code and fenced blocks; an unclosed fence runs to the end (still streaming). */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const fence = /^```([^\n`]*)\n([\s\S]*?)(?:^```[ \t]*$\n?|(?![\s\S]))/gm;
  let last = 0;
  for (const m of text.matchAll(fence)) {
    inline(text.slice(last, m.index), out);
    out.push({ kind: "block", lang: (m[1] ?? "").trim(), text: (m[2] ?? "").replace(/\n$/, "") });
    last = m.index + m[0].length;
  }
  inline(text.slice(last), out);
  return out;
}
