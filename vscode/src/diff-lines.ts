/**
 * A compact line diff for the chat view: unchanged lines around the change are trimmed to `context`
 * lines, the changed middle is shown as removed then added lines.
 */
export type DiffLine = { op: " " | "-" | "+"; text: string };

export function diffLines(oldText: string | null, newText: string, context = 2): DiffLine[] {
  const a = oldText === null || oldText === "" ? [] : oldText.split("\n");
  const b = newText === "" ? [] : newText.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const out: DiffLine[] = [];
  for (let i = Math.max(0, head - context); i < head; i++) out.push({ op: " ", text: a[i] ?? "" });
  for (let i = head; i < a.length - tail; i++) out.push({ op: "-", text: a[i] ?? "" });
  for (let i = head; i < b.length - tail; i++) out.push({ op: "+", text: b[i] ?? "" });
  for (let i = a.length - tail; i < Math.min(a.length, a.length - tail + context); i++)
    out.push({ op: " ", text: a[i] ?? "" });
  return out;
}
