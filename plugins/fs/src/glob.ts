/** glob: files matching glob patterns, gitignore-aware, in-process. */

import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import { requireCapability } from "@loom/runtime/tool-capabilities";
import { Type } from "@sinclair/typebox";
import picomatch from "picomatch";
import { globMatcher } from "./_glob-match.ts";
import { resolveDirScope, resolveScope } from "./_scope.ts";
import description from "./glob.txt" with { type: "text" };
import { isPathIgnored, walk } from "./walk.ts";

export const GLOB_DEFAULT_LIMIT = 1000;
export const GLOB_MAX_LIMIT = 10_000;

export const GlobInput = Type.Object(
  {
    pattern: Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })], {
      description: 'Glob pattern or patterns, relative to path, e.g. "**/*.ts" or ["src/**/*.ts", "*.md"]',
    }),
    path: Type.Optional(Type.String({ description: "Directory to search from (default: workspace root)" })),
    max_results: Type.Optional(
      Type.Integer({ minimum: 1, maximum: GLOB_MAX_LIMIT, description: "Default 1000" }),
    ),
  },
  { additionalProperties: false },
);

export const globTool = defineTool({
  name: "glob",
  description,
  input: GlobInput,
  async invoke(input, ctx) {
    requireCapability(ctx, "read");
    const scope = resolveDirScope(ctx.workspaceRoot, input.path);
    const patterns = typeof input.pattern === "string" ? [input.pattern] : input.pattern;
    const limit = input.max_results ?? GLOB_DEFAULT_LIMIT;
    const isMatch = globMatcher(patterns);
    // Walk only below the longest literal prefix every pattern shares.
    const bases = patterns.map(literalBase);
    const shared = commonDir(bases);
    const start = [scope.rel, shared].filter((s) => s !== "").join("/");
    const startScope = shared === "" ? scope : safeScope(ctx.workspaceRoot, start);
    if (startScope === undefined || (shared !== "" && isPathIgnored(scope.root, startScope.rel)))
      return { output: { files: [], truncated: false } };
    const prefix = scope.rel === "" ? 0 : scope.rel.length + 1;
    const files: string[] = [];
    let truncated = false;
    await walk({
      root: scope.root,
      start: startScope.rel,
      recursive: true,
      signal: ctx.signal,
      visit(e) {
        if (e.kind === "dir" || !isMatch(e.rel.slice(prefix))) return undefined;
        if (files.length >= limit) {
          truncated = true;
          return false;
        }
        files.push(e.rel);
        return undefined;
      },
    });
    return { output: { files, truncated } };
  },
});

/** The directory part a pattern fixes: "src/lib" for "src/lib/**\/*.ts", "docs" for "docs/a.md". */
function literalBase(pattern: string): string {
  const scan = picomatch.scan(pattern);
  if (scan.isGlob) return scan.base;
  const slash = pattern.lastIndexOf("/");
  return slash < 0 ? "" : pattern.slice(0, slash);
}

function commonDir(bases: string[]): string {
  const split = bases.map((b) => (b === "" ? [] : b.split("/")));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join("/");
}

function safeScope(workspaceRoot: string, rel: string) {
  try {
    const s = resolveScope(workspaceRoot, rel);
    return s.isDir ? s : undefined;
  } catch (e) {
    if (e instanceof LoomError && e.code === "NOT_FOUND") return undefined;
    throw e;
  }
}
