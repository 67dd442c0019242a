import { expect, test } from "bun:test";
import type { Session } from "../session/session.ts";
import { createRichOutput } from "./rich-output.ts";
import { createStyle } from "./style.ts";

const session = {
  model: "claude-sonnet-4-6",
  permissionMode: "ask",
  contextWindow: 200_000,
  config: { sandbox: {} },
  thread: { id: "T-1" },
  cost: () => ({ usage: { inputTokens: 0, outputTokens: 0 } }),
} as unknown as Session;

test("nothing rich before the first turn loads it; then Markdown at the terminal's width", async () => {
  const rich = createRichOutput({ columns: 30 }, createStyle(false), { markdown: true, statusLine: true });
  expect(rich.ready).toBe(false);
  expect(rich.markdown()).toBeUndefined();
  expect(rich.status(undefined)).toBeUndefined();
  await rich.load();
  expect(rich.ready).toBe(true);
  expect(rich.markdown()!("# T\n\none two three four five six seven eight")).toEqual([
    "# T",
    "",
    "one two three four five six",
    "seven eight",
  ]);
  // Without colour there is nothing to highlight with.
  expect(rich.highlight()).toBeUndefined();
});

test("off a terminal: plain text and no status line (diffs are still numbered)", async () => {
  const rich = createRichOutput({}, createStyle(false), { markdown: false, statusLine: false });
  await rich.load();
  expect(rich.markdown()).toBeUndefined();
  rich.session = session;
  expect(rich.status("x")).toBeUndefined();
});

test("the status line follows the turn: thinking, writing, the requests' sizes", async () => {
  const rich = createRichOutput({ columns: 200 }, createStyle(false), { markdown: true, statusLine: true });
  await rich.load();
  expect(rich.status(undefined)).toBeUndefined();
  rich.session = session;
  expect(rich.event(session, { type: "state.changed", from: "WaitingForUserInput", to: "CallingLlm" })).toBe(
    true,
  );
  expect(rich.status(undefined)).toStartWith(
    "⋯ thinking… │ claude-sonnet-4-6 · ask · sandbox workspace-write · ctx –",
  );
  expect(rich.event(session, { type: "agent.text_delta", text: "Hi" })).toBe(true);
  expect(rich.event(session, { type: "agent.text_delta", text: "!" })).toBe(false);
  rich.event(session, {
    type: "llm.usage",
    model: "claude-sonnet-4-6",
    usage: { inputTokens: 19_900, outputTokens: 100 },
  });
  expect(rich.status(undefined)).toBe(
    "⋯ writing… │ claude-sonnet-4-6 · ask · sandbox workspace-write · ctx 10% of 200.0k · 20.0k tokens · $0.0612",
  );
  expect(rich.status("bash ls · 2.0 s")).toStartWith("⋯ bash ls · 2.0 s │ ");
  expect(rich.highlight()).toBeUndefined();
  const coloured = createRichOutput({ columns: 80 }, createStyle(true), { markdown: true, statusLine: true });
  await coloured.load();
  expect(coloured.highlight()!("let a = 1", "x.ts")[0]).toContain("\x1b[");
});
