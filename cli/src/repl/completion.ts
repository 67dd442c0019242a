/**
 * What Tab (and the live menu) offers at the cursor: slash commands from the registry, their
 * arguments (literal choices, models, thread ids), `@` mentions fuzzy-matched over the workspace's
 * files, and plain paths. Pure over its sources, so each rule is tested without a terminal.
 */
import { type LineBuffer, tokenAtCursor } from "./line-buffer.ts";

export interface CompletionItem {
  /** What replaces the token. */
  value: string;
  /** Dim text beside it in the menu (a command's help, a thread's title). */
  hint?: string;
}

export interface Completion {
  /** The range of the text the chosen item replaces. */
  start: number;
  end: number;
  items: CompletionItem[];
  /** Items are ranked, not prefixes of the token: Tab does not insert a common prefix. */
  fuzzy?: boolean;
}

/** A slash command's argument choices: a fixed list, or one the session knows. */
export type ArgSource = readonly string[] | "models" | "threads";

export interface CommandInfo {
  name: string;
  help: string;
  args?: ArgSource;
}

export interface CompletionSources {
  commands(): CommandInfo[];
  /** Items for a dynamic argument source (the session's models, the workspace's threads). */
  argItems(source: "models" | "threads"): Promise<CompletionItem[]>;
  /** Workspace-relative files and directories (`dir/`), best first, for an `@` query. */
  files(query: string, limit: number): Promise<string[]>;
  /** Names in a directory (relative to the workspace, absolute, or under `~/`), directories ending in `/`. */
  dirNames(dir: string): Promise<string[]>;
}

export const MENU_LIMIT = 50;

export async function complete(b: LineBuffer, src: CompletionSources): Promise<Completion | undefined> {
  const before = b.text.slice(0, b.cursor);
  const token = tokenAtCursor(b);

  const command = /^\/(\S*)$/.exec(before);
  if (command) return commandNames(command[1]!, token.end, src);

  const arg = /^\/(\S+) +(\S*)$/.exec(before);
  if (arg) {
    const info = src.commands().find((c) => c.name === arg[1]);
    if (info?.args) return argChoices(info.args, arg[2]!, token, src);
  }

  if (token.text.startsWith("@")) return mention(token, src);
  if (/[/~]|^\./.test(token.text)) return pathNames(token, src);
  return undefined;
}

function commandNames(prefix: string, end: number, src: CompletionSources): Completion | undefined {
  const all = src.commands();
  let hits = all.filter((c) => c.name.startsWith(prefix));
  if (hits.length === 0) {
    const p = prefix.toLowerCase();
    hits = all.filter((c) => includesInOrder(c.name, p));
  }
  if (hits.length === 0) return undefined;
  return { start: 0, end, items: hits.map((c) => ({ value: `/${c.name}`, hint: c.help })) };
}

async function argChoices(
  source: ArgSource,
  prefix: string,
  token: { start: number; end: number },
  src: CompletionSources,
): Promise<Completion | undefined> {
  const items =
    typeof source === "string"
      ? await src.argItems(source)
      : source.map((value): CompletionItem => ({ value }));
  let hits = items.filter((i) => i.value.startsWith(prefix));
  let fuzzy = false;
  if (hits.length === 0) {
    // Thread ids are matched anywhere (a fragment of an id, a word of the title).
    const p = prefix.toLowerCase();
    hits = items.filter((i) => i.value.toLowerCase().includes(p) || (i.hint ?? "").toLowerCase().includes(p));
    fuzzy = true;
  }
  if (hits.length === 0) return undefined;
  return { start: token.start, end: token.end, items: hits.slice(0, MENU_LIMIT), fuzzy };
}

async function mention(
  token: { start: number; end: number; text: string },
  src: CompletionSources,
): Promise<Completion | undefined> {
  const query = token.text.slice(1).replace(/^"/, "").replace(/"$/, "");
  const files = await src.files(query, MENU_LIMIT);
  if (files.length === 0) return undefined;
  return {
    start: token.start,
    end: token.end,
    items: files.map((f) => ({ value: mentionOf(f) })),
    fuzzy: true,
  };
}

/** `@path`, quoted when the path has spaces. */
export function mentionOf(path: string): string {
  return /\s/.test(path) ? `@"${path}"` : `@${path}`;
}

async function pathNames(
  token: { start: number; end: number; text: string },
  src: CompletionSources,
): Promise<Completion | undefined> {
  const slash = token.text.lastIndexOf("/");
  const dir = slash < 0 ? "" : token.text.slice(0, slash + 1);
  const base = token.text.slice(slash + 1);
  const names = (await src.dirNames(dir === "" ? "." : dir)).filter(
    (n) => n.startsWith(base) && (base.startsWith(".") || !n.startsWith(".")),
  );
  if (names.length === 0) return undefined;
  return {
    start: token.start,
    end: token.end,
    items: names.slice(0, MENU_LIMIT).map((n) => ({ value: dir + n })),
  };
}

const includesInOrder = (name: string, q: string): boolean => {
  let from = 0;
  for (const ch of q) {
    const at = name.indexOf(ch, from);
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
};

/** The longest prefix shared by every value (what Tab inserts before the menu). */
export function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return "";
  let p = values[0]!;
  for (const v of values) while (!v.startsWith(p)) p = p.slice(0, -1);
  return p;
}
