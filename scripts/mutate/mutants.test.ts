import { describe, expect, test } from "bun:test";
import { readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { applyMutant, generateMutants, regexMutants } from "./mutants.ts";
import { createSandbox, removeSandbox } from "./sandbox.ts";

/** Source text with `#{` for a template placeholder (keeps the linter from reading these as templates). */
const code = (s: string) => s.replaceAll("#{", "$" + "{");
const describeAll = (text: string, functions?: string[]) =>
  generateMutants(text, "x.ts", functions ? { functions } : {}).map((m) => m.description);

describe("generateMutants", () => {
  test("flips comparisons and boolean operators, forces conditions, drops negations", () => {
    const ds = describeAll("if (!a && b === c) x();\nconst y = n < 3 ? 1 : 2;\n");
    for (const d of [
      "drop !",
      "&& → ||",
      "=== → !==",
      "< → <=",
      "< → >=",
      "3 → 4",
      "empty the block of if (!a && b === c)",
    ])
      expect(ds).toContain(d);
    expect(ds.filter((d) => d.startsWith("condition")).length).toBe(4);
  });

  test("drops short separators from joins and templates, not messages", () => {
    const ds = describeAll(
      code(
        'const a = p.startsWith(`#{b}/`);\nconst c = d + "/";\nthrow new Error(`#{x} is outside the workspace`);\n',
      ),
    );
    expect(ds).toContain('drop "/" from template');
    expect(ds).toContain('drop + "/"');
    expect(ds).toContain("startsWith → endsWith");
    expect(ds.some((d) => d.includes("outside"))).toBe(false);
  });

  test("leaves types and imports alone; `functions` narrows the scope", () => {
    expect(describeAll('import { a } from "b";\ntype T = 1 | 2;\ninterface I { n: 3 }\n')).toEqual([]);
    const text =
      "function keep() { return a === b; }\nconst other = () => c === d;\nconst o = { put() { return e < f; } };\n";
    expect(describeAll(text, ["put"])).toEqual(["< → <=", "< → >="]);
    expect(describeAll(text, ["other"])).toEqual(["=== → !=="]);
  });

  test("each mutant applies as one edit of the original text", () => {
    const text = code("const ok = a.startsWith(`#{b}/`);\n");
    const m = generateMutants(text, "x.ts").find((x) => x.description === 'drop "/" from template')!;
    expect(applyMutant(text, m)).toBe(code("const ok = a.startsWith(`#{b}`);\n"));
    expect(m.line).toBe(1);
  });

  test("regex mutants: quantifier minimum, boundaries, each alternative", () => {
    const ms = regexMutants("/\\b(sk-[a-z]{6,}|AIza[a-z]{20,})/g").map((m) => m.replacement);
    expect(ms).toContain("/\\b(sk-[a-z]{7,}|AIza[a-z]{20,})/g");
    expect(ms).toContain("/(sk-[a-z]{6,}|AIza[a-z]{20,})/g");
    expect(ms).toContain("/\\b(sk-[a-z]{6,})/g");
    expect(ms).toContain("/\\b(AIza[a-z]{20,})/g");
  });
});

describe("sandbox", () => {
  test("a copy whose workspace packages resolve inside it, so the checkout is never written", () => {
    const repo = resolve(import.meta.dir, "../..");
    const dir = createSandbox(repo);
    try {
      const file = "runtime/src/machine/backoff.ts";
      expect(readFileSync(join(dir, file), "utf8")).toBe(readFileSync(join(repo, file), "utf8"));
      expect(realpathSync(join(dir, "node_modules/@loom/runtime"))).toBe(join(dir, "runtime"));
      writeFileSync(join(dir, file), "// mutated\n");
      expect(readFileSync(join(repo, file), "utf8")).not.toBe("// mutated\n");
    } finally {
      removeSandbox(dir);
    }
  });
});
