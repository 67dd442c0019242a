/** list_files: entries of a directory, optionally recursive, gitignore-aware, capped at 1,000. */

import { defineTool } from "@loom/runtime/define-tool";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { Type } from "@sinclair/typebox";
import { resolveDirScope } from "./_scope.ts";
import description from "./list-files.txt" with { type: "text" };
import { walk } from "./walk.ts";

export const LIST_CAP = 1000;

export const ListFilesInput = Type.Object(
  {
    path: Type.Optional(
      Type.String({ description: "Directory, relative to the workspace root (default: root)" }),
    ),
    recursive: Type.Optional(Type.Boolean({ description: "Descend into subdirectories (default false)" })),
  },
  { additionalProperties: false },
);

export const listFilesTool = defineTool({
  name: "list_files",
  description,
  input: ListFilesInput,
  async invoke(input, ctx) {
    requireCapability(ctx, "read");
    const scope = resolveDirScope(ctx.workspaceRoot, input.path);
    const entries: string[] = [];
    let truncated = false;
    await walk({
      root: scope.root,
      start: scope.rel,
      recursive: input.recursive ?? false,
      signal: ctx.signal,
      visit(e) {
        if (entries.length >= LIST_CAP) {
          truncated = true;
          return false;
        }
        entries.push(e.kind === "dir" ? `${e.rel}/` : e.rel);
        return undefined;
      },
    });
    return { output: { path: scope.rel || ".", entries, truncated } };
  },
});
