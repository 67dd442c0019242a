/** Test helper: a temporary workspace built from a `{ path: content }` map. */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ToolContext } from "@loom/runtime/tool";

export interface TestWorkspace {
  root: string;
  ctx(signal?: AbortSignal): ToolContext;
  write(files: Record<string, string | Uint8Array>): void;
  dispose(): void;
}

export function createTestWorkspace(files: Record<string, string | Uint8Array> = {}): TestWorkspace {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "loom-fs-test-")));
  const root = join(base, "ws");
  mkdirSync(root);
  const write = (fs: Record<string, string | Uint8Array>) => {
    for (const [p, content] of Object.entries(fs)) {
      mkdirSync(dirname(join(root, p)), { recursive: true });
      writeFileSync(join(root, p), content);
    }
  };
  write(files);
  return {
    root,
    ctx: (signal = new AbortController().signal) => ({ workspaceRoot: root, signal, callId: "test" }),
    write,
    dispose: () => rmSync(base, { recursive: true, force: true }),
  };
}
