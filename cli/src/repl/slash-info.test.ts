import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Session } from "../session/session.ts";
import { runSlash, type SlashContext } from "./slash.ts";
import { INIT_PROMPT } from "./slash-work.ts";
import { createStyle } from "./style.ts";

const ws = mkdtempSync(join(tmpdir(), "loom-slash-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));

function context(session: Partial<Session>, withPrompt = true) {
  const lines: string[] = [];
  const sent: string[] = [];
  const ctx: SlashContext = {
    session: async () => session as Session,
    print: (l) => lines.push(l),
    style: createStyle(false),
    exit: () => undefined,
    showThread: () => undefined,
    ...(withPrompt ? { runPrompt: async (text: string) => void sent.push(text) } : {}),
  };
  return { ctx, lines, sent };
}

test("/init asks the model to survey the workspace; to improve an AGENTS.md that exists", async () => {
  const { ctx, sent } = context({ workspace: ws });
  await runSlash("/init", ctx);
  expect(sent).toEqual([INIT_PROMPT]);
  writeFileSync(join(ws, "AGENTS.md"), "# old");
  await runSlash("/init", ctx);
  expect(sent[1]).toStartWith(INIT_PROMPT);
  expect(sent[1]).toContain("An AGENTS.md exists already");
  // Where no turn can start (an ACP command), it says so instead.
  const acp = context({ workspace: ws }, false);
  await runSlash("/init", acp.ctx);
  expect(acp.lines).toEqual(["/init needs a conversation to run in"]);
});

test("/sandbox and /login show the session's sandbox and credentials", async () => {
  const session: Partial<Session> = {
    provider: "anthropic",
    sandboxPolicy: { mode: "workspace-write", network: "none", hidden: ["/home/u/.ssh"], writable: [] },
    config: { server: { host: "127.0.0.1", port: 8080 }, providers: {} } as unknown as Session["config"],
  };
  const { ctx, lines } = context(session);
  await runSlash("/sandbox", ctx);
  expect(lines[0]).toBe("sandbox: workspace-write · network none (loopback only)");
  expect(lines[1]).toBe("  hidden: /home/u/.ssh");
  lines.length = 0;
  await runSlash("/login", ctx);
  expect(lines.slice(0, 2)).toEqual([
    "team server: none (local mode)",
    "provider anthropic: no API key in config or environment",
  ]);
  lines.length = 0;
  await runSlash("/login http://127.0.0.1:1 not-a-token", ctx);
  expect(lines[0]).toContain("INVALID_INPUT: the token must look like lt_");
});
