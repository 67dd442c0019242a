/** What of a thread goes into the full-text index, and how a user's query becomes an FTS5 query. */
import type { Thread } from "@loom/runtime/thread";

export function ftsDocument(thread: Thread): { title: string; messages: string; git: string } {
  const messages = thread.messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map((m) => m.content)
    .join("\n");
  const g = thread.git;
  const git = g ? [g.branch, g.commit, ...(g.commits ?? [])].filter(Boolean).join("\n") : "";
  return { title: [thread.title ?? "", ...(thread.tags ?? [])].join(" "), messages, git };
}

/**
 * Quotes every word so user input is never FTS5 syntax (no injection, no parse errors); words are ANDed,
 * a trailing `*` on a word keeps prefix search.
 */
export function ftsQuery(q: string): string | undefined {
  const words = q
    // FTS5 rejects a NUL inside a string (a 500 before this); no control character means anything here.
    .replace(/[\u0000-\u001f\u007f]/g, " ")
    .split(/\s+/)
    .map((w) => w.trim())
    .filter(Boolean)
    .slice(0, 32);
  if (words.length === 0) return undefined;
  return words
    .map((w) => {
      const prefix = w.endsWith("*") && w.length > 1;
      const body = (prefix ? w.slice(0, -1) : w).replaceAll('"', '""');
      return `"${body}"${prefix ? "*" : ""}`;
    })
    .join(" ");
}
