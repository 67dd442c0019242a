import { expect, test } from "bun:test";
import { COLLAPSE_CHARS, createPastes } from "./pastes.ts";

test("a large paste becomes a placeholder that expands back on submit; a small one stays text", () => {
  const p = createPastes();
  expect(p.collapse("two\nlines")).toBe("two\nlines");
  const many = Array.from({ length: 12 }, (_, i) => `l${i}`).join("\n");
  const label = p.collapse(many);
  expect(label).toBe("[Pasted text #1 +12 lines]");
  const wide = "x".repeat(COLLAPSE_CHARS + 1);
  expect(p.collapse(wide)).toBe(`[Pasted text #2 ${COLLAPSE_CHARS + 1} chars]`);
  expect(p.expand(`see ${label} and [Pasted text #2 ${COLLAPSE_CHARS + 1} chars]`)).toBe(
    `see ${many} and ${wide}`,
  );
  // Expanded once: the next input's look-alike text stays as typed.
  expect(p.expand(label)).toBe(label);
});

test("an edited placeholder is no longer expanded; reset drops what was held", () => {
  const p = createPastes();
  const label = p.collapse("a\n".repeat(20));
  expect(p.expand(label.slice(0, -2))).toBe(label.slice(0, -2));
  const again = p.collapse("b\n".repeat(20));
  p.reset();
  expect(p.expand(again)).toBe(again);
});
