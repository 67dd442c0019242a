/**
 * System prompt assembly: the base prompt, then facts about the environment, then the
 * workspace's own instructions (AGENTS.md and CLAUDE.md files from the repository root down to the
 * workspace, and `.loom/instructions*.md`), each under a heading that names its file. Instruction
 * files of folders below the workspace come later, when the agent works there (nested-instructions.ts).
 */
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { readOwnFile } from "../own-file.ts";
import base from "./base.txt" with { type: "text" };

/** Per-file cap so one huge instructions file cannot eat the context window. */
export const MAX_INSTRUCTION_BYTES = 32 * 1024;

export interface PromptInput {
  workspace: string;
  /** Repository root if the workspace is inside a git repository. */
  gitRoot?: string;
  gitBranch?: string;
  /** Extra instructions from config (`agent.instructions`), appended last. */
  extra?: string;
  now?: Date;
  platform?: string;
}

export interface InstructionFile {
  path: string;
  text: string;
  truncated: boolean;
}

/** The instruction files a folder may hold, in the order they are read. */
export const INSTRUCTION_NAMES = ["AGENTS.md", "CLAUDE.md"] as const;

/**
 * AGENTS.md and CLAUDE.md from the git root down to the workspace, then `.loom/instructions*.md` in
 * name order. A CLAUDE.md with the same text as the AGENTS.md beside it (often a link) is read once.
 */
export function findInstructionFiles(workspace: string, gitRoot?: string): InstructionFile[] {
  const dirs: string[] = [];
  let dir = workspace;
  for (let i = 0; i < 64; i++) {
    dirs.unshift(dir);
    if (!gitRoot || dir === gitRoot) break;
    const up = dirname(dir);
    if (up === dir || relative(gitRoot, up).startsWith("..")) break;
    dir = up;
  }
  const paths = dirs.flatMap((d) => INSTRUCTION_NAMES.map((n) => join(d, n)));
  for (const name of listDir(join(workspace, ".loom")).sort()) {
    if (/^instructions.*\.md$/.test(name)) paths.push(join(workspace, ".loom", name));
  }
  const out: InstructionFile[] = [];
  const root = gitRoot ?? workspace;
  for (const path of paths) {
    const f = readCapped(path, root);
    if (f && !out.some((o) => dirname(o.path) === dirname(f.path) && o.text === f.text)) out.push(f);
  }
  return out;
}

/** A folder's entries; none when it is missing, not a folder or unreadable (instructions are optional). */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The file's first MAX_INSTRUCTION_BYTES, if it is a regular file inside `root` (see own-file.ts);
 * a FIFO, a device or a link out of the repository is skipped like a missing file.
 */
export function readCapped(path: string, root: string): InstructionFile | undefined {
  try {
    const f = readOwnFile(path, { root, maxBytes: MAX_INSTRUCTION_BYTES });
    if (f === undefined) return undefined;
    const text = f.bytes.toString("utf8").trim();
    return text ? { path, text, truncated: f.truncated } : undefined;
  } catch {
    return undefined;
  }
}

export function buildSystemPrompt(input: PromptInput): string {
  const env = [
    `Workspace: ${input.workspace}`,
    input.gitRoot
      ? `Git repository: ${input.gitRoot}${input.gitBranch ? ` (branch ${input.gitBranch})` : ""}`
      : "Not a git repository.",
    `Platform: ${input.platform ?? process.platform}`,
    `Date: ${(input.now ?? new Date()).toISOString().slice(0, 10)}`,
  ];
  const parts = [base.trim(), `# Environment\n${env.join("\n")}`];
  for (const f of findInstructionFiles(input.workspace, input.gitRoot)) {
    const name = relative(input.gitRoot ?? input.workspace, f.path) || f.path;
    parts.push(`# Instructions from ${name}\n${f.text}${f.truncated ? "\n[truncated]" : ""}`);
  }
  if (input.extra?.trim()) parts.push(`# Instructions from config\n${input.extra.trim()}`);
  return parts.join("\n\n");
}
