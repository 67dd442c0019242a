/** grep: regex or literal search over workspace files, gitignore-aware, in-process (worker pool). */

import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { Type } from "@sinclair/typebox";
import { globMatcher } from "./_glob-match.ts";
import { resolveScope } from "./_scope.ts";
import description from "./grep.txt" with { type: "text" };
import { BatchSearch } from "./grep-batches.ts";
import { compileSpec, type GrepSpec } from "./grep-search.ts";
import { walk } from "./walk.ts";

export const GREP_DEFAULT_LIMIT = 200;
export const GREP_MAX_LIMIT = 2000;

export const GrepInput = Type.Object(
  {
    pattern: Type.String({ minLength: 1, description: "JavaScript regular expression, or literal text" }),
    literal: Type.Optional(Type.Boolean({ description: "Treat pattern as plain text (default false)" })),
    path: Type.Optional(
      Type.String({ description: "File or directory to search (default: workspace root)" }),
    ),
    glob: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'Only files matching these globs, relative to path, e.g. "**/*.ts"',
      }),
    ),
    case_insensitive: Type.Optional(Type.Boolean({ description: "Default false" })),
    max_results: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: GREP_MAX_LIMIT,
        description: "Maximum matching lines (default 200)",
      }),
    ),
  },
  { additionalProperties: false },
);

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
}

export const grepTool = defineTool({
  name: "grep",
  description,
  input: GrepInput,
  async invoke(input, ctx) {
    requireCapability(ctx, "read");
    const spec: GrepSpec = {
      pattern: input.pattern,
      literal: input.literal ?? false,
      caseInsensitive: input.case_insensitive ?? false,
    };
    try {
      compileSpec(spec);
    } catch (e) {
      throw new LoomError("INVALID_INPUT", `invalid regular expression: ${(e as Error).message}`);
    }
    const limit = input.max_results ?? GREP_DEFAULT_LIMIT;
    const scope = resolveScope(ctx.workspaceRoot, input.path);
    const batches = new BatchSearch(spec, limit + 1);
    if (!scope.isDir) batches.add(scope.rel, scope.abs);
    else {
      const globs =
        input.glob === undefined ? [] : typeof input.glob === "string" ? [input.glob] : input.glob;
      const isMatch = globs.length > 0 ? globMatcher(globs) : undefined;
      const prefix = scope.rel === "" ? 0 : scope.rel.length + 1;
      try {
        await walk({
          root: scope.root,
          start: scope.rel,
          recursive: true,
          signal: ctx.signal,
          visit(e) {
            if (e.kind !== "file" || (isMatch !== undefined && !isMatch(e.rel.slice(prefix))))
              return undefined;
            batches.add(e.rel, `${scope.root}/${e.rel}`);
            return batches.full ? false : undefined;
          },
        });
      } catch (e) {
        batches.cancel();
        throw e;
      }
    }
    const hits = await batches.finish(ctx.signal);
    const matches: GrepMatch[] = hits
      .slice(0, limit)
      .map(([f, line, text]) => ({ path: batches.rels[f]!, line, text }));
    return { output: { matches, truncated: hits.length > limit, files_searched: batches.rels.length } };
  },
});
