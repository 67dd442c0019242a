/**
 * Declarative factories for TypeScript tools and plugins. The TypeBox schema is the single source:
 * it validates the input, types `invoke`, and is the JSON Schema the model (and the manifest) sees.
 */
import type { Static, TSchema } from "@sinclair/typebox";
import { type TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { formatError, isLoomError, LoomError } from "../errors.ts";
import type { Tool, ToolContext, ToolResult } from "../tool.ts";

export interface ToolDefinition<S extends TSchema> {
  name: string;
  description: string;
  input: S;
  mutating?: boolean;
  timeoutMs?: number;
  invoke(input: Static<S>, ctx: ToolContext): Promise<ToolResult>;
}

/** A TypeScript plugin as its entry module default-exports it. */
export interface TsPlugin {
  name: string;
  version: string;
  tools: Tool[];
}

const MAX_REPORTED_ERRORS = 3;

/**
 * Defines a tool whose input is validated against `input` before `invoke` runs.
 * Invalid input and thrown errors come back as error results the model can act on:
 * `{ code: "TOOL_INPUT_INVALID", message: "/path: Expected string" }`.
 *
 * @example
 * const echo = defineTool({
 *   name: "echo",
 *   description: "Returns its text.",
 *   input: Type.Object({ text: Type.String() }),
 *   async invoke({ text }) { return { output: text }; },
 * });
 */
export function defineTool<S extends TSchema>(def: ToolDefinition<S>): Tool {
  // Compiled on the first call, not at definition: a session defines every tool and calls few.
  let compiled: TypeCheck<S> | undefined;
  const tool: Tool = {
    name: def.name,
    description: def.description.trim(),
    inputSchema: toJsonSchema(def.input),
    async invoke(input: unknown, ctx: ToolContext): Promise<ToolResult> {
      compiled ??= TypeCompiler.Compile(def.input);
      const check = compiled;
      if (!check.Check(input)) {
        const problems = [...check.Errors(input)]
          .slice(0, MAX_REPORTED_ERRORS)
          .map((e) => `${e.path || "/"}: ${e.message}`);
        return errorResult(new LoomError("TOOL_INPUT_INVALID", problems.join("; ")));
      }
      try {
        return await def.invoke(input, ctx);
      } catch (e) {
        if (isLoomError(e)) return errorResult(e);
        if (ctx.signal.aborted) return errorResult(new LoomError("TOOL_CANCELLED", "the call was cancelled"));
        return errorResult(new LoomError("TOOL_FAILED", formatError(e)));
      }
    },
  };
  if (def.mutating !== undefined) tool.mutating = def.mutating;
  if (def.timeoutMs !== undefined) tool.timeoutMs = def.timeoutMs;
  return tool;
}

/**
 * Defines a TypeScript plugin; each tool's `source` names the plugin.
 *
 * @example
 * export default definePlugin({ name: "fs", version: "0.1.0", tools: [readFile, listFiles] });
 */
export function definePlugin(def: TsPlugin): TsPlugin {
  const names = new Set<string>();
  for (const t of def.tools) {
    if (names.has(t.name))
      throw new LoomError("PLUGIN_INVALID", `plugin ${def.name} defines tool ${t.name} twice`);
    names.add(t.name);
  }
  return { name: def.name, version: def.version, tools: def.tools.map((t) => ({ ...t, source: def.name })) };
}

/** Plain JSON Schema of a TypeBox schema (TypeBox keeps its metadata under symbols). */
export function toJsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

/** An error result `{ code, message }` (plus details when the error has them). */
export function errorResult(e: LoomError): ToolResult {
  return { output: e.toJSON(), isError: true };
}
