/**
 * Custom slash commands: each Markdown file in `<workspace>/.loom/commands/` or
 * `<config dir>/commands/` (`~/.config/loom/commands/`) is a command named after the file
 * (`review.md` → `/review`). Its body is the prompt sent to the model, `$ARGUMENTS` replaced by
 * what follows the command (`$1` … `$9` by single words). Optional front matter:
 * ```
 * ---
 * description: Review the staged diff
 * argument-hint: [focus]
 * allowed-tools: read_file, grep, bash
 * ---
 * ```
 * `allowed-tools` limits the tools the model is offered for that turn (the permission mode still
 * applies). A workspace command replaces a user command of the same name. Files are read through
 * `readOwnFile` (regular files inside their folder, at most 64 KiB).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { formatError } from "@loom/runtime/errors";
import { readOwnFile } from "@loom/runtime/own-file";
import { configDir, type Env } from "@loom/runtime/paths";

export const MAX_COMMAND_BYTES = 64 * 1024;
const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

export interface CustomCommand {
  name: string;
  description: string;
  /** Shown after the name in help and completion (`[focus]`). */
  argumentHint?: string;
  /** The tools the turn may use; absent: the session's. */
  allowedTools?: string[];
  body: string;
  source: "workspace" | "user";
  path: string;
}

export interface LoadedCommands {
  commands: CustomCommand[];
  /** Files skipped, one line each. */
  warnings: string[];
}

export function commandDirs(
  workspace: string,
  env: Env,
): Array<{ dir: string; source: CustomCommand["source"] }> {
  return [
    { dir: join(configDir(env), "commands"), source: "user" },
    { dir: join(workspace, ".loom", "commands"), source: "workspace" },
  ];
}

/** The commands of both folders, by name (workspace over user), sorted. Missing folders are fine. */
export function loadCustomCommands(workspace: string, env: Env): LoadedCommands {
  const byName = new Map<string, CustomCommand>();
  const warnings: string[] = [];
  for (const { dir, source } of commandDirs(workspace, env)) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(".md"));
    } catch {
      continue;
    }
    for (const file of names.sort()) {
      const name = file.slice(0, -3);
      const path = join(dir, file);
      if (!NAME.test(name)) {
        warnings.push(`${path}: a command name is letters, digits, - and _; skipped`);
        continue;
      }
      try {
        const f = readOwnFile(path, {
          root: source === "workspace" ? workspace : dir,
          maxBytes: MAX_COMMAND_BYTES,
        });
        if (!f) continue;
        if (f.truncated) {
          warnings.push(`${path}: larger than ${MAX_COMMAND_BYTES / 1024} KiB; skipped`);
          continue;
        }
        byName.set(name, { name, ...parseCommandFile(f.bytes.toString("utf8")), source, path });
      } catch (e) {
        warnings.push(`${path}: ${formatError(e)}; skipped`);
      }
    }
  }
  return { commands: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), warnings };
}

/** Front matter (simple `key: value` lines) and body of one command file. */
export function parseCommandFile(
  text: string,
): Pick<CustomCommand, "description" | "argumentHint" | "allowedTools" | "body"> {
  const src = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const m = /^---\n([\s\S]*?)\n---\n?/.exec(src);
  const meta = new Map<string, string>();
  for (const line of (m?.[1] ?? "").split("\n")) {
    const kv = /^([A-Za-z_-]+)\s*:\s*(.*)$/.exec(line.trim());
    if (kv?.[1]) meta.set(kv[1].toLowerCase().replace(/_/g, "-"), unquote(kv[2] ?? ""));
  }
  const body = (m ? src.slice(m[0].length) : src).trim();
  const out: ReturnType<typeof parseCommandFile> = {
    description: meta.get("description") || firstLine(body),
    body,
  };
  const hint = meta.get("argument-hint");
  if (hint) out.argumentHint = hint;
  const tools = meta.get("allowed-tools");
  if (tools !== undefined) {
    out.allowedTools = tools
      .replace(/^\[|\]$/g, "")
      .split(/[,\s]+/)
      .map((t) => unquote(t))
      .filter(Boolean);
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  return /^(["']).*\1$/.test(t) ? t.slice(1, -1) : t;
}

function firstLine(body: string): string {
  const line = body.split("\n").find((l) => l.trim()) ?? "";
  const plain = line.replace(/^#+\s*/, "").trim();
  return plain.length > 60 ? `${plain.slice(0, 59)}…` : plain;
}

/** The prompt for `/name args`: `$ARGUMENTS` is the whole text, `$1`…`$9` its words; no placeholder appends it. */
export function expandCommand(cmd: Pick<CustomCommand, "body">, args: string): string {
  const text = args.trim();
  const words = text ? text.split(/\s+/) : [];
  const placeholder = /\$ARGUMENTS|\$[1-9]/.test(cmd.body);
  // One pass: text from the arguments is never substituted again.
  const body = cmd.body.replace(/\$ARGUMENTS|\$([1-9])/g, (_, n: string | undefined) =>
    n === undefined ? text : (words[Number(n) - 1] ?? ""),
  );
  return !placeholder && text ? `${body}\n\n${text}` : body;
}
