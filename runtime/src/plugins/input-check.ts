/**
 * Checks a WASM tool's input against the `inputSchema` its manifest declares, before the guest
 * runs, so the model gets the same kind of error a TypeScript tool gives (`TOOL_INPUT_INVALID`,
 * "/path: problem"). JSON Schema 2020-12 by @cfworker/json-schema (interpreted, no code
 * generation — the schema comes from the plugin), loaded on the first check so start-up does not
 * pay for it.
 */
import type { OutputUnit, Validator } from "@cfworker/json-schema";
import { LoomError } from "../errors.ts";

const MAX_REPORTED = 3;

/** The value at a JSON pointer like `#/properties/text/pattern` inside `schema`, if there is one. */
function atPointer(schema: unknown, pointer: string): unknown {
  let node = schema;
  for (const raw of pointer.replace(/^#\/?/, "").split("/")) {
    if (raw === "") continue;
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The validator's message, said so a plugin author can act on it. */
function explain(e: OutputUnit, schema: object): string {
  switch (e.keyword) {
    case "pattern": {
      const pattern = atPointer(schema, e.keywordLocation);
      return typeof pattern === "string" ? `String does not match the pattern ${pattern}` : e.error;
    }
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = /^Property "(.*)" does not match/.exec(e.error)?.[1];
      return name === undefined ? e.error : `unknown property '${name}'`;
    }
    default:
      return e.error;
  }
}

/** The problems worth showing: the innermost ones, not the "property x does not match" above them. */
function leaves(errors: OutputUnit[], schema: object): string[] {
  const shown = errors.filter(
    (e) =>
      e.keyword !== "false" &&
      !errors.some((o) => o !== e && o.keywordLocation.startsWith(`${e.keywordLocation}/`)),
  );
  return [...new Set(shown.map((e) => `${e.instanceLocation.slice(1) || "/"}: ${explain(e, schema)}`))];
}

/** Returns a check that throws TOOL_INPUT_INVALID naming up to three problems. */
export function inputChecker(tool: string, schema: object): (input: unknown) => Promise<void> {
  let validator: Validator | undefined;
  return async (input) => {
    if (!validator) {
      const { Validator } = await import("@cfworker/json-schema");
      validator = new Validator(schema as ConstructorParameters<typeof Validator>[0], "2020-12", false);
    }
    const result = validator.validate(input);
    if (result.valid) return;
    const problems = leaves(result.errors, schema).slice(0, MAX_REPORTED);
    throw new LoomError(
      "TOOL_INPUT_INVALID",
      `input for ${tool} does not match its schema: ${problems.join("; ")}`,
    );
  };
}
