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

/** The problems worth showing: the innermost ones, not the "property x does not match" above them. */
function leaves(errors: OutputUnit[]): string[] {
  const shown = errors.filter(
    (e) =>
      e.keyword !== "false" &&
      !errors.some((o) => o !== e && o.keywordLocation.startsWith(`${e.keywordLocation}/`)),
  );
  return [...new Set(shown.map((e) => `${e.instanceLocation.slice(1) || "/"}: ${e.error}`))];
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
    const problems = leaves(result.errors).slice(0, MAX_REPORTED);
    throw new LoomError(
      "TOOL_INPUT_INVALID",
      `input for ${tool} does not match its schema: ${problems.join("; ")}`,
    );
  };
}
