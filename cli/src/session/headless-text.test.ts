import { describe, expect, test } from "bun:test";
import { createRenderer } from "../repl/render.ts";
import { createStyle } from "../repl/style.ts";
import type { SessionEvent } from "./events.ts";
import { createHeadlessText } from "./headless-text.ts";

const delta = (text: string): SessionEvent => ({ type: "agent.text_delta", text });
const failed: SessionEvent = {
  type: "llm.failed",
  error: { kind: "transient", message: "reset" } as never,
  retries: 0,
  willRetry: true,
};
const message: SessionEvent = {
  type: "agent.message",
  message: { role: "assistant", content: "Full answer." },
};

function run(streaming: boolean, events: SessionEvent[]): string {
  let out = "";
  const h = createHeadlessText(
    createRenderer(
      {
        write: (s) => {
          out += s;
        },
      },
      createStyle(false),
    ),
    streaming,
  );
  for (const e of events) h.event(e);
  return out;
}

describe("headless text", () => {
  const events = [delta("part"), failed, delta("Full "), delta("answer."), message];
  test("piped: a retried request's partial words never reach stdout", () => {
    expect(run(false, events)).toBe("Full answer.");
  });
  test("terminal: streams, and the retried answer starts on its own line", () => {
    expect(run(true, events)).toBe("part\nFull answer.");
  });
});
