/**
 * `loom run` interrupted mid-reply: the text already shown is kept in the thread (marked as
 * interrupted), sent back to the model on the next turn, and the tokens spent are counted.
 */
import { afterAll, expect, test } from "bun:test";
import { startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, MAIN } from "./_harness.ts";

const sb = createSandbox({ "README.md": "# sample\n" });
afterAll(() => sb.cleanup());

/** Reads a stream bit by bit: `until(done)` reads until `done(all text so far)` holds or the stream ends. */
function textReader(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return async (done: (text: string) => boolean): Promise<string> => {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value, { stream: true });
    }
    return text;
  };
}

test("Ctrl-C mid-reply: the partial reply is saved, sent with the next turn, and its tokens counted", async () => {
  const up = await startFakeUpstream({
    script: {
      turns: [{ text: ["Half an answer", " never sent"], fault: "stall" }, { text: "the rest" }],
      stallMs: 20_000,
    },
  });
  const env = { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url };
  try {
    const proc = Bun.spawn(["bun", MAIN, "run", "--json", "explain"], {
      cwd: sb.workspace,
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
    const until = textReader(proc.stdout);
    expect(await until((t) => t.includes('"text.delta"'))).toContain("Half an answer");
    proc.kill("SIGINT");
    const stdout = await until(() => false);
    const code = await proc.exited;
    clearTimeout(timer);
    expect(code).toBe(130);
    const final = jsonLines(stdout).at(-1);
    expect(final).toMatchObject({ type: "final", reason: "cancelled" });
    // Input tokens as the stream reported them at its start; output estimated from the text shown.
    const usage = final?.usage as { inputTokens: number; outputTokens: number; estimated?: boolean };
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.estimated).toBe(true);

    const next = await loom(sb, ["run", "--resume", "last", "go on"], { env });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain("the rest");
    const sent = (up.requests[1]!.body as { messages: { role: string; content: unknown }[] }).messages;
    expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(sent[1]?.content).toEqual([{ type: "text", text: "Half an answer" }]);

    const shown = await loom(sb, ["threads", "show", String(final?.threadId), "--json"], { env });
    const thread = JSON.parse(shown.stdout) as { messages: unknown[]; usage: unknown };
    expect(thread.messages[1]).toMatchObject({
      role: "assistant",
      content: "Half an answer",
      interrupted: true,
    });
    expect(thread.usage).toMatchObject({ estimated: true });
    const text = await loom(sb, ["threads", "show", String(final?.threadId)], { env });
    expect(text.stdout).toContain("Half an answer (interrupted)");
  } finally {
    await up.stop();
  }
});
