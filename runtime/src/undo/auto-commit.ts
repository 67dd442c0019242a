/**
 * Optional auto-commit (`git.auto_commit = true`): after a turn that changed files, commit exactly
 * those files on the user's branch with a conventional-commit message.
 */
import { git } from "./git.ts";
import type { SnapshotTarget, UndoEntry } from "./snapshots.ts";

const TYPES: [RegExp, string][] = [
  [/\b(fix|bug|crash|broken|error)/i, "fix"],
  [/\b(test|spec)s?\b/i, "test"],
  [/\b(doc|docs|readme|documentation)\b/i, "docs"],
  [/\b(refactor|rename|move|extract|clean ?up)\b/i, "refactor"],
];

/** `<type>: <description>` from the user's request, plus the files and the thread as body. */
export function conventionalMessage(prompt: string, files: string[], threadId: string): string {
  const line = prompt.trim().split("\n")[0] ?? "";
  const type = TYPES.find(([re]) => re.test(line))?.[1] ?? "feat";
  let desc = line.replace(/[.!\s]+$/, "").replace(/\s+/g, " ");
  desc = desc.charAt(0).toLowerCase() + desc.slice(1);
  if (desc.length > 64) desc = `${desc.slice(0, 61).trimEnd()}...`;
  if (!desc) desc = "changes by loom";
  const list = files.slice(0, 20).map((f) => `- ${f}`);
  if (files.length > 20) list.push(`- and ${files.length - 20} more`);
  return `${type}: ${desc}\n\n${list.join("\n")}\n\nLoom-Thread: ${threadId}\n`;
}

export interface AutoCommitResult {
  ok: boolean;
  commit?: string;
  message: string;
}

export function autoCommit(t: SnapshotTarget, entry: UndoEntry, prompt: string): AutoCommitResult {
  if (t.isPrivate) return { ok: false, message: "not a git repository; auto-commit skipped" };
  const files = entry.files.map((f) => f.path);
  const message = conventionalMessage(prompt, files, entry.threadId);
  const o = { cwd: t.workTree, env: t.env, allowFail: true };
  const add = git(["add", "-A", "--", ...files], o);
  if (!add.ok) return { ok: false, message: `git add failed: ${add.stderr.trim()}` };
  const c = git(["commit", "-q", "-m", message, "--", ...files], o);
  if (!c.ok) return { ok: false, message: `git commit failed: ${c.stderr.trim().split("\n")[0]}` };
  const head = git(["rev-parse", "HEAD"], o).stdout.toString().trim();
  return { ok: true, commit: head, message: message.split("\n")[0] ?? "" };
}
