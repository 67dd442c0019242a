import { expect, test } from "bun:test";
import type { Session } from "../session/session.ts";
import { runSlash, type SlashContext } from "./slash.ts";
import { createStyle } from "./style.ts";

/** A context printing into `lines`, at a terminal `width` columns wide, over a session holding only what /model reads. */
function context(width: number, session: Partial<Session> = {}) {
  const lines: string[] = [];
  const ctx: SlashContext = {
    session: async () => session as Session,
    print: (l) => lines.push(l),
    style: createStyle(false),
    exit: () => undefined,
    showThread: () => undefined,
    width: () => width,
  };
  return { ctx, lines };
}

test("/help keeps every description in one column and every line within the terminal", async () => {
  const { ctx, lines } = context(60);
  await runSlash("/help", ctx);
  const mode = lines.find((l) => l.includes("/mode [ask|auto|read-only]")) ?? "";
  const help = lines.find((l) => l.startsWith("  /help")) ?? "";
  expect(mode.indexOf("show or change")).toBe(help.indexOf("this list"));
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(60);
});

test("/model lists the other models without breaking a name across lines", async () => {
  const { ctx, lines } = context(50, {
    model: "claude-sonnet-4-6",
    provider: "anthropic",
    contextWindow: 1_000_000,
  });
  await runSlash("/model", ctx);
  expect(lines[0]).toBe("model: claude-sonnet-4-6 (anthropic), context 1.00M tokens");
  const listed = lines.slice(1).join(" ");
  for (const l of lines.slice(1)) expect(l.length).toBeLessThanOrEqual(50);
  // Every name is whole on some line.
  for (const id of ["claude-opus-4-6", "claude-haiku-4-5", "claude-3-5-haiku"])
    expect(lines.slice(1).some((l) => l.includes(`${id},`) || l.endsWith(id))).toBe(true);
  expect(listed).not.toContain("claude-sonnet-4-6,");
});

test("an unknown command suggests the nearest one", async () => {
  const { ctx, lines } = context(80);
  await runSlash("/modle gpt-5", ctx);
  await runSlash("/bogus", ctx);
  expect(lines).toEqual([
    "unknown command /modle (did you mean /model or /mode?) (see /help)",
    "unknown command /bogus (see /help)",
  ]);
});
