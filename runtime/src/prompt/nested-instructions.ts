/**
 * Instruction files in folders below the workspace (`pkg/api/AGENTS.md`, `CLAUDE.md`): not in the
 * system prompt, but picked up when the agent works there. After a tool call that names a path
 * (`path`, `file_path`, `dir`), the instruction files of the folders between the workspace and that
 * path which the conversation has not seen yet are added to the call's result, each once per session.
 * Read like the top-level ones: `readOwnFile`, regular files inside the workspace, capped.
 */
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { Tool } from "../tool.ts";
import { toolOutputText } from "../tool.ts";
import { INSTRUCTION_NAMES, type InstructionFile, readCapped } from "./system-prompt.ts";

const PATH_KEYS = ["path", "file_path", "dir", "directory"] as const;

export interface NestedInstructions {
  /** Files not seen yet in the folders from below the workspace down to `target` (a file or folder). */
  take(target: string): InstructionFile[];
  /** Tools that add those files to their results. */
  wrap(tools: readonly Tool[]): Tool[];
  /** A new conversation: every file may be shown again. */
  reset(): void;
}

export function createNestedInstructions(workspace: string): NestedInstructions {
  const seen = new Set<string>();
  const take = (target: string): InstructionFile[] => {
    const abs = isAbsolute(target) ? target : resolve(workspace, target);
    const rel = relative(workspace, abs);
    if (!rel || rel.startsWith("..") || isAbsolute(rel)) return [];
    const parts = rel.split(sep);
    const out: InstructionFile[] = [];
    // Folders strictly below the workspace, down to the target (a path to a folder counts itself).
    for (let i = 1; i <= parts.length; i++) {
      const dir = join(workspace, ...parts.slice(0, i));
      for (const name of INSTRUCTION_NAMES) {
        const path = join(dir, name);
        if (seen.has(path)) continue;
        // Reading the instruction file itself shows it already.
        if (path === abs) {
          seen.add(path);
          continue;
        }
        const f = readCapped(path, workspace);
        if (!f) continue;
        seen.add(path);
        if (!out.some((o) => dirname(o.path) === dirname(f.path) && o.text === f.text)) out.push(f);
      }
    }
    return out;
  };
  return {
    take,
    reset: () => seen.clear(),
    wrap(tools) {
      return tools.map((t) => ({
        ...t,
        invoke: async (input, ctx) => {
          const result = await t.invoke(input, ctx);
          const target = pathOf(input);
          if (target === undefined || result.isError) return result;
          const files = take(target);
          if (files.length === 0) return result;
          const notes = files.map(
            (f) =>
              `[Instructions from ${relative(workspace, f.path)}, which apply to work in ${relative(workspace, dirname(f.path))}/]\n${f.text}${f.truncated ? "\n[truncated]" : ""}`,
          );
          return { ...result, output: `${toolOutputText(result)}\n\n${notes.join("\n\n")}` };
        },
      }));
    },
  };
}

function pathOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  for (const k of PATH_KEYS) {
    const v = (input as Record<string, unknown>)[k];
    if (typeof v === "string" && v.trim()) return v;
  }
  return undefined;
}
