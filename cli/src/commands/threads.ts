/** `loom threads list | show <id> | search <query> | delete <id>`: the local thread store. */
import { join } from "node:path";
import { dataDir } from "@loom/runtime/paths";
import type { Thread } from "@loom/runtime/thread";
import type { ThreadStore, ThreadSummary } from "@loom/runtime/threads/store";
import { defineCommand } from "citty";
import { ExitError, UsageError } from "../cli.ts";
import { colorEnabled, createStyle, type Style } from "../repl/style.ts";
import { keyArgument } from "../repl/tool-display.ts";
import { terminalSafe as safe, terminalSafeDeep } from "../terminal-safe.ts";

async function openStore(): Promise<ThreadStore> {
  const { createThreadStore } = await import("@loom/runtime/threads/store");
  return createThreadStore({ dir: join(dataDir(), "threads") });
}

/** Names each thread file a listing had to skip, on stderr, so a damaged file is never silently hidden. */
function warnUnreadable(store: ThreadStore): void {
  for (const u of store.unreadable())
    process.stderr.write(`loom: skipped thread file ${u.file}: ${u.reason}\n`);
}

const style = (): Style => createStyle(colorEnabled(process.stdout));
const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** `none`: what to say when the list is empty. */
function printSummaries(list: ThreadSummary[], s: Style, none: string, snippets?: string[]): void {
  if (list.length === 0) {
    out(s.dim(none));
    return;
  }
  for (const [i, t] of list.entries()) {
    const when = t.updatedAt.slice(0, 16).replace("T", " ");
    const flags = t.isPrivate ? " [private]" : "";
    out(
      `${t.id}  ${s.dim(when)}  ${String(t.messageCount).padStart(3)} msgs  ${safe(t.title)}${flags}  ${s.dim(safe(t.workspace))}`,
    );
    const snippet = snippets?.[i];
    if (snippet) out(`    ${s.dim(safe(snippet))}`);
  }
}

/** A thread as text; what it holds came from people, the model and tools, so it is printed terminal-safe. */
function printThread(t: Thread, s: Style): void {
  out(`${s.bold(t.id)}  ${safe(t.workspace)}  ${safe(t.model ?? "")}${t.isPrivate ? "  [private]" : ""}`);
  out(s.dim(`created ${t.createdAt} · updated ${t.updatedAt} · ${t.messages.length} messages`));
  for (const m of t.messages) {
    if (m.role === "user") out(`\n${s.cyan("›")} ${safe(m.content)}`);
    else if (m.role === "assistant") {
      if (m.content.trim()) out(`\n${safe(m.content)}${m.interrupted ? s.dim(" (interrupted)") : ""}`);
      for (const c of m.toolCalls ?? [])
        out(`${s.dim("→")} ${s.bold(safe(c.name))} ${keyArgument(terminalSafeDeep(c.input))}`);
    } else {
      const first = safe(m.content.split("\n")[0] ?? "");
      out(
        s.dim(
          `  ${m.isError ? "✗" : "✓"} ${safe(m.name)}: ${first.length > 120 ? `${first.slice(0, 119)}…` : first}`,
        ),
      );
    }
  }
}

const json = { type: "boolean", description: "Print JSON" } as const;

const list = defineCommand({
  meta: { name: "list", description: "Threads, newest first" },
  args: {
    json,
    here: { type: "boolean", description: "Only threads of the current directory's workspace" },
    limit: { type: "string", description: "At most this many (default 50)" },
  },
  async run({ args }) {
    const limit = args.limit === undefined ? 50 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError("--limit must be a positive integer");
    const { realpathSync } = await import("node:fs");
    const store = await openStore();
    const items = store.list({ limit, ...(args.here ? { workspace: realpathSync(process.cwd()) } : {}) });
    warnUnreadable(store);
    if (args.json) out(JSON.stringify(items));
    else printSummaries(items, style(), args.here ? "no threads in this workspace" : "no threads");
  },
});

const show = defineCommand({
  meta: { name: "show", description: "Print a thread" },
  args: { id: { type: "positional", required: true, description: "Thread id or a unique part of it" }, json },
  async run({ args }) {
    const t = (await openStore()).resolve(String(args.id));
    if (args.json) out(JSON.stringify(t, null, 2));
    else printThread(t, style());
  },
});

const search = defineCommand({
  meta: { name: "search", description: "Threads whose title or messages contain the text" },
  args: {
    query: { type: "positional", required: true, description: "Text to find (case-insensitive)" },
    json,
  },
  async run({ args }) {
    const query = [String(args.query), ...(args._ as string[]).slice(1)].join(" ");
    if (!query.trim()) throw new UsageError("give some text to search for");
    const store = await openStore();
    const hits = store.search(query, { limit: 50 });
    warnUnreadable(store);
    if (args.json) out(JSON.stringify(hits));
    else
      printSummaries(
        hits,
        style(),
        `no thread matches ${JSON.stringify(query)}`,
        hits.map((h) => h.snippet),
      );
    if (hits.length === 0) throw new ExitError(1);
  },
});

const remove = defineCommand({
  meta: { name: "delete", description: "Delete a thread (a tombstone is kept so the deletion can sync)" },
  args: { id: { type: "positional", required: true, description: "Thread id or a unique part of it" } },
  async run({ args }) {
    const store = await openStore();
    const t = store.resolve(String(args.id));
    store.delete(t.id);
    out(`deleted ${t.id}`);
    // With a team server configured, the tombstone goes there too (or waits in the sync queue).
    const tomb = store.get(t.id);
    if (!tomb || t.isPrivate) return;
    const { loadConfig } = await import("@loom/runtime/config");
    const { createSessionSync } = await import("../session/sync.ts");
    const { config } = loadConfig({ workspace: process.cwd() });
    const sync = await createSessionSync(config, process.env, store, (e) => {
      if (e.type === "session.notice") process.stderr.write(`loom: ${e.message}\n`);
    });
    if (!sync) return;
    sync.push(tomb);
    await sync.flush();
    sync.close();
  },
});

export default defineCommand({
  meta: { name: "threads", description: "List, show, search and delete local threads" },
  subCommands: { list, show, search, delete: remove },
});
