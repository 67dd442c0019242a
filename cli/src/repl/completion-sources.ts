/**
 * Completion's sources in a live REPL: the slash commands of the registry, the catalogue's models,
 * the workspace's threads, its files (file-index.ts) and directory listings for plain paths.
 */
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { MODELS } from "@loom/runtime/providers/catalogue";
import type { Session } from "../session/session.ts";
import type { CommandInfo, CompletionItem, CompletionSources } from "./completion.ts";
import { createFileIndex, type FileIndex } from "./file-index.ts";

const MAX_NAMES = 2000;

export interface LiveSourceOptions {
  session(): Promise<Session>;
  /** The workspace root when the session could not start. */
  fallbackRoot: string;
  commands(): CommandInfo[];
}

export function liveCompletionSources(opts: LiveSourceOptions): CompletionSources {
  let index: { root: string; index: FileIndex } | undefined;
  const root = () =>
    opts.session().then(
      (s) => s.workspace,
      () => opts.fallbackRoot,
    );
  return {
    commands: opts.commands,
    async argItems(source) {
      const s = await opts.session();
      if (source === "threads")
        return s.store
          .list({ workspace: s.workspace, limit: 200 })
          .map((t): CompletionItem => ({ value: t.id, hint: t.title }));
      // The session's provider first.
      const mine = MODELS.filter((m) => m.provider === s.provider);
      const others = MODELS.filter((m) => m.provider !== s.provider);
      return [...mine, ...others].map((m) => ({ value: m.id, hint: m.provider }));
    },
    async files(query, limit) {
      const r = await root();
      if (index?.root !== r) index = { root: r, index: createFileIndex(r) };
      return index.index.search(query, limit);
    },
    async dirNames(dir) {
      const base = dir.startsWith("~/")
        ? join(homedir(), dir.slice(2))
        : isAbsolute(dir)
          ? dir
          : join(await root(), dir);
      try {
        return readdirSync(base, { withFileTypes: true })
          .slice(0, MAX_NAMES)
          .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
          .sort();
      } catch {
        return [];
      }
    },
  };
}
