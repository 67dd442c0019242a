/** What of a thread goes into the full-text index, and how a user's query becomes an FTS5 query. */
import type { Thread } from "@loom/runtime/thread";
import { searchWords } from "./search-words.ts";

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
  const words = searchWords(q);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.text.replaceAll('"', '""')}"${w.prefix ? "*" : ""}`).join(" ");
}
