/** The part of a text that `fs/read_text_file` asks for: from 1-based `line`, at most `limit` lines. */
export function sliceLines(text: string, line?: number | null, limit?: number | null): string {
  if ((line == null || line <= 1) && limit == null) return text;
  const lines = text.split("\n");
  const start = Math.max(0, (line ?? 1) - 1);
  const end = limit == null ? lines.length : start + Math.max(0, limit);
  return lines.slice(start, end).join("\n");
}
