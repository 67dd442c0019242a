/**
 * The local thread store: one JSON file per thread under a directory (by default
 * `$XDG_DATA_HOME/loom/threads/`), written atomically so a crash never leaves a torn file.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { basename, join } from "node:path";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { formatError, LoomError } from "../errors.ts";
import { newThreadId, type Thread, ThreadSchema } from "../thread.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { THREAD_CHECK_CODE } from "./thread-check.generated.ts";

let compiled: TypeCheck<typeof ThreadSchema> | undefined;
/** TypeBox's checker, compiled only to explain an invalid thread (its first error). */
const checker = (): TypeCheck<typeof ThreadSchema> => (compiled ??= TypeCompiler.Compile(ThreadSchema));
let generated: ((value: unknown) => boolean) | undefined;
/** The same check from the source generated ahead of time (no compiler run at start-up). */
function matchesSchema(value: unknown): boolean {
  generated ??= new Function(THREAD_CHECK_CODE)() as (value: unknown) => boolean;
  return generated(value);
}

export interface ThreadSummary {
  id: string;
  title: string;
  workspace: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
  isPrivate: boolean;
  model?: string;
}

export interface SearchHit extends ThreadSummary {
  /** Text around the first match. */
  snippet: string;
}

export interface ListOptions {
  workspace?: string;
  includeDeleted?: boolean;
  limit?: number;
}

export interface ThreadStore {
  readonly dir: string;
  /** Validates and writes the thread atomically; refreshes nothing else. */
  save(thread: Thread): void;
  get(id: string): Thread | undefined;
  /** Accepts a full id or any unique fragment of one; throws NOT_FOUND / INVALID_INPUT. */
  resolve(idOrFragment: string): Thread;
  /** Newest first (by `updatedAt`). */
  list(opts?: ListOptions): ThreadSummary[];
  search(query: string, opts?: ListOptions): SearchHit[];
  /** Tombstones the thread (keeps id and version so a sync can propagate the deletion). */
  delete(id: string, now?: Date): boolean;
  /** The most recently updated live thread of a workspace. */
  last(workspace: string): Thread | undefined;
  /** Thread files the latest list, search or resolve had to skip (damaged or unreadable), with why. */
  unreadable(): UnreadableFile[];
}

export interface UnreadableFile {
  file: string;
  reason: string;
}

export function isValidThread(value: unknown): value is Thread {
  return matchesSchema(value);
}

/** A new, empty thread. */
export function createThread(init: {
  workspace: string;
  isPrivate?: boolean;
  provider?: string;
  model?: string;
  git?: Thread["git"];
  now?: Date;
  id?: string;
}): Thread {
  const at = (init.now ?? new Date()).toISOString();
  const thread: Thread = {
    id: init.id ?? newThreadId(),
    version: 0,
    createdAt: at,
    updatedAt: at,
    workspace: init.workspace,
    visibility: "private",
    isPrivate: init.isPrivate ?? false,
    messages: [],
  };
  if (init.provider) thread.provider = init.provider;
  if (init.model) thread.model = init.model;
  if (init.git) thread.git = init.git;
  return thread;
}

/** The title shown in lists: the explicit one, else the first line of the first user message. */
export function threadTitle(thread: Thread): string {
  if (thread.title) return thread.title;
  const first = thread.messages.find((m) => m.role === "user");
  const line = first?.content.trim().split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 77)}...` : line || "(empty)";
}

function summarise(t: Thread): ThreadSummary {
  const s: ThreadSummary = {
    id: t.id,
    title: threadTitle(t),
    workspace: t.workspace,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    messageCount: t.messages.length,
    isPrivate: t.isPrivate,
  };
  if (t.model) s.model = t.model;
  return s;
}

const ID_FILE = /^T-[0-9a-f-]{36}\.json$/;
/** A temp file this old with a dead writer is garbage (a live save takes milliseconds). */
const STALE_TEMP_MS = 60_000;
const TEMP_FILE = /^\.T-[0-9a-f-]{36}\.json\.(\d+)\.[a-z0-9]+\.tmp$/;

/** Removes a temp file left by a writer that died mid-save: its pid no longer runs and it is stale. */
function sweepTemp(dir: string, name: string): void {
  const pid = Number(TEMP_FILE.exec(name)?.[1]);
  if (!pid || isAlive(pid)) return;
  try {
    const path = join(dir, name);
    if (Date.now() - statSync(path).mtimeMs > STALE_TEMP_MS) unlinkSync(path);
  } catch {
    // Another process swept it first.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

export function createThreadStore(opts: { dir: string }): ThreadStore {
  const dir = opts.dir;
  const fileOf = (id: string): string => {
    if (!/^T-[0-9a-f-]{36}$/.test(id)) throw new LoomError("INVALID_INPUT", `not a thread id: ${id}`);
    return join(dir, `${id}.json`);
  };

  /** The thread in `file`; undefined when there is none; why not, when the file cannot be used. */
  const load = (file: string): Thread | UnreadableFile | undefined => {
    let raw: string;
    try {
      raw = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as { code?: string }).code;
      return code === "ENOENT" ? undefined : { file, reason: `cannot read it (${code ?? formatError(e)})` };
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      return { file, reason: `not valid JSON (${formatError(e)})` };
    }
    if (isValidThread(value)) return value;
    const first = checker().Errors(value).First();
    return {
      file,
      reason: `not a valid thread (${first ? `${first.path || "/"}: ${first.message}` : "wrong shape"})`,
    };
  };
  const isThread = (v: Thread | UnreadableFile | undefined): v is Thread =>
    v !== undefined && !("reason" in v);
  const read = (file: string): Thread | undefined => {
    const v = load(file);
    return isThread(v) ? v : undefined;
  };

  let skipped: UnreadableFile[] = [];
  const all = (): Thread[] => {
    skipped = [];
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const out: Thread[] = [];
    for (const name of names) {
      if (!ID_FILE.test(name)) {
        sweepTemp(dir, name);
        continue;
      }
      const t = load(join(dir, name));
      if (isThread(t)) out.push(t);
      else if (t) skipped.push(t);
    }
    return out;
  };

  const filtered = (o: ListOptions = {}): Thread[] =>
    all()
      .filter((t) => (o.includeDeleted || !t.deletedAt) && (!o.workspace || t.workspace === o.workspace))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));

  const store: ThreadStore = {
    dir,
    save(thread) {
      if (!isValidThread(thread)) {
        const first = checker().Errors(thread).First();
        throw new LoomError(
          "INVALID_INPUT",
          `thread ${String((thread as { id?: unknown }).id)} is invalid: ${first?.path} ${first?.message}`,
        );
      }
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      writeFileAtomic(fileOf(thread.id), `${JSON.stringify(thread)}\n`);
    },
    get(id) {
      return read(fileOf(id));
    },
    resolve(fragment) {
      const f = fragment.trim();
      const damaged = (u: UnreadableFile): LoomError =>
        new LoomError("INVALID_INPUT", `thread file ${u.file} is damaged: ${u.reason}`);
      if (/^T-[0-9a-f-]{36}$/.test(f)) {
        const t = load(fileOf(f));
        skipped = t && !isThread(t) ? [t] : [];
        if (isThread(t) && !t.deletedAt) return t;
        if (t && !isThread(t)) throw damaged(t);
        throw new LoomError("NOT_FOUND", `no thread ${f}`);
      }
      if (f.length < 4) throw new LoomError("INVALID_INPUT", "give at least 4 characters of a thread id");
      const needle = f.toLowerCase();
      const hits = filtered().filter((t) => t.id.toLowerCase().includes(needle));
      if (hits.length === 1 && hits[0]) return hits[0];
      const bad = skipped.find((u) => basename(u.file).toLowerCase().includes(needle));
      if (hits.length === 0 && bad) throw damaged(bad);
      if (hits.length === 0) throw new LoomError("NOT_FOUND", `no thread matches '${f}'`);
      const some = hits.slice(0, 3).map((t) => t.id);
      throw new LoomError(
        "INVALID_INPUT",
        `'${f}' matches ${hits.length} threads (${some.join(", ")}${hits.length > 3 ? ", …" : ""}); give more of the id`,
      );
    },
    list(o = {}) {
      const out = filtered(o).map(summarise);
      return o.limit === undefined ? out : out.slice(0, o.limit);
    },
    search(query, o = {}) {
      const q = query.toLowerCase();
      if (!q.trim()) return [];
      const hits: SearchHit[] = [];
      for (const t of filtered(o)) {
        const snippet = findSnippet(t, q);
        if (snippet !== undefined) hits.push({ ...summarise(t), snippet });
        if (o.limit !== undefined && hits.length >= o.limit) break;
      }
      return hits;
    },
    delete(id, now = new Date()) {
      const t = read(fileOf(id));
      if (!t || t.deletedAt) return false;
      const at = now.toISOString();
      const tomb: Thread = { ...t, messages: [], updatedAt: at, deletedAt: at };
      delete tomb.title;
      delete tomb.agentState;
      store.save(tomb);
      return true;
    },
    last(workspace) {
      return filtered({ workspace })[0];
    },
    unreadable() {
      return [...skipped];
    },
  };
  return store;
}

function findSnippet(t: Thread, q: string): string | undefined {
  const texts = [t.title ?? "", ...t.messages.map((m) => m.content)];
  for (const text of texts) {
    const i = text.toLowerCase().indexOf(q);
    if (i < 0) continue;
    const start = Math.max(0, i - 40);
    const end = Math.min(text.length, i + q.length + 40);
    return `${start > 0 ? "…" : ""}${text.slice(start, end).replace(/\s+/g, " ")}${end < text.length ? "…" : ""}`;
  }
  return undefined;
}
