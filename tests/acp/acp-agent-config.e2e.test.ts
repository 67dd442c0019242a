/**
 * The real `loom acp-agent`: the editor picks the model (config option) and uses the REPL's
 * commands; the next model request carries the choice.
 */
import { describe, expect, test } from "bun:test";
import { methods } from "@agentclientprotocol/sdk";
import { agentText, createSandbox, startAgent } from "./harness.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

describe("loom acp-agent config options and commands", () => {
  test("set_config_option model: the next request goes out with it; /cost and /mode answer without the model", async () => {
    const sb = await createSandbox({ turns: [{ text: ["one"] }, { text: ["two"] }] });
    const a = await startAgent(sb);
    try {
      const created = await a.agent.request(methods.agent.session.new, { cwd: sb.workspace, mcpServers: [] });
      const { sessionId } = created;
      const option = created.configOptions?.find((o) => o.id === "model");
      const values =
        option?.type === "select" ? option.options.map((o) => ("value" in o ? o.value : "")) : [];
      expect(values).toContain("claude-opus-4-6");
      await a.waitFor((u) => u.sessionUpdate === "available_commands_update");

      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "hi" }],
      });
      const first = (sb.upstream.requests.at(-1)?.body as { model?: string } | undefined)?.model;
      expect(first).not.toBe("claude-opus-4-6");
      const res = await a.agent.request(methods.agent.session.setConfigOption, {
        sessionId,
        configId: "model",
        value: "claude-opus-4-6",
      });
      expect(res.configOptions.find((o) => o.id === "model")?.currentValue).toBe("claude-opus-4-6");
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "again" }],
      });
      expect((sb.upstream.requests.at(-1)?.body as { model?: string } | undefined)?.model).toBe(
        "claude-opus-4-6",
      );

      const sent = sb.upstream.requests.length;
      a.updates.length = 0;
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "/cost" }],
      });
      expect(agentText(a.updates)).toMatch(/ in · .* out · /);
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [{ type: "text", text: "/mode read-only" }],
      });
      expect(a.updates.map((n) => n.update)).toContainEqual({
        sessionUpdate: "current_mode_update",
        currentModeId: "read-only",
      });
      expect(sb.upstream.requests.length).toBe(sent);
    } finally {
      await a.close();
      await sb.cleanup();
    }
  });

  test("an image in the prompt reaches the model as an image, is saved, and is replayed on load", async () => {
    const sb = await createSandbox({ turns: [{ text: ["A red dot."] }] });
    const a = await startAgent(sb);
    let sessionId = "";
    try {
      expect(a.init.agentCapabilities?.promptCapabilities?.image).toBe(true);
      ({ sessionId } = await a.agent.request(methods.agent.session.new, {
        cwd: sb.workspace,
        mcpServers: [],
      }));
      await a.agent.request(methods.agent.session.prompt, {
        sessionId,
        prompt: [
          { type: "text", text: "What is this?" },
          { type: "image", mimeType: "image/png", data: PNG },
        ],
      });
      const body = sb.upstream.requests.at(-1)?.body as { messages: { role: string; content: unknown }[] };
      const blocks = body.messages.at(-1)?.content as Record<string, unknown>[];
      expect(blocks).toContainEqual({
        type: "image",
        source: { type: "base64", media_type: "image/png", data: PNG },
      });
      expect(blocks.at(-1)).toMatchObject({ type: "text", text: "What is this?" });
    } finally {
      await a.close();
    }
    const b = await startAgent(sb);
    try {
      await b.agent.request(methods.agent.session.load, { sessionId, cwd: sb.workspace, mcpServers: [] });
      expect(b.updates.map((n) => n.update)).toContainEqual({
        sessionUpdate: "user_message_chunk",
        content: { type: "image", mimeType: "image/png", data: PNG },
      });
    } finally {
      await b.close();
      await sb.cleanup();
    }
  });
});
