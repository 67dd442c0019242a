import { describe, expect, test } from "bun:test";
import type * as acp from "@agentclientprotocol/sdk";
import { methods, RequestError } from "@agentclientprotocol/sdk";
import { scriptedEngine, withClient } from "./_test-harness.ts";

const prompt = (sessionId: string, text: string): acp.PromptRequest => ({
  sessionId,
  prompt: [{ type: "text", text }],
});

const current = (options: acp.SessionConfigOption[] | null | undefined, id: string) =>
  options?.find((o) => o.id === id)?.currentValue;

async function refusal(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e instanceof RequestError ? e.code : -1;
  }
}

describe("acp server: config options and commands", () => {
  test("sessions offer model and mode options; set_config_option switches them", async () => {
    let prompts = 0;
    const { engine, modes } = scriptedEngine(async () => {
      prompts++;
      return "end_turn";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const created = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const { sessionId } = created;
      const model = created.configOptions?.find((o) => o.id === "model");
      expect(model).toMatchObject({ type: "select", category: "model", currentValue: "model-a" });
      expect(model?.type === "select" && model.options.map((o) => ("value" in o ? o.value : ""))).toEqual([
        "model-a",
        "model-b",
      ]);
      expect(current(created.configOptions, "mode")).toBe("ask");

      const switched = await ctx.request(methods.agent.session.setConfigOption, {
        sessionId,
        configId: "model",
        value: "model-b",
      });
      expect(current(switched.configOptions, "model")).toBe("model-b");
      const moded = await ctx.request(methods.agent.session.setConfigOption, {
        sessionId,
        configId: "mode",
        value: "read-only",
      });
      expect(current(moded.configOptions, "mode")).toBe("read-only");
      expect(modes).toEqual(["read-only"]);
      expect(h.updates).toContainEqual({ sessionUpdate: "current_mode_update", currentModeId: "read-only" });

      const bad = (configId: string, value: string) =>
        refusal(ctx.request(methods.agent.session.setConfigOption, { sessionId, configId, value }));
      expect(await bad("model", "no-such-model")).toBe(-32602);
      expect(await bad("mode", "yolo")).toBe(-32602);
      expect(await bad("temperature", "1")).toBe(-32602);
      expect(prompts).toBe(0);
    });
  });

  test("the REPL's commands are announced; a /command prompt runs it instead of a model turn", async () => {
    let prompts = 0;
    const { engine } = scriptedEngine(async () => {
      prompts++;
      return "end_turn";
    });
    await withClient(engine, {}, async (ctx, h) => {
      const { sessionId } = await ctx.request(methods.agent.session.new, { cwd: "/w", mcpServers: [] });
      const announced = await h.waitFor((u) => u.sessionUpdate === "available_commands_update");
      const commands =
        announced.sessionUpdate === "available_commands_update" ? announced.availableCommands : [];
      expect(commands.map((c) => c.name)).toEqual([
        "model",
        "mode",
        "undo",
        "cost",
        "compact",
        "diff",
        "context",
        "status",
        "permissions",
      ]);
      expect(commands.find((c) => c.name === "model")?.input).toEqual({ hint: "id" });

      const reply = () =>
        h.updates
          .flatMap((u) =>
            u.sessionUpdate === "agent_message_chunk" && u.content.type === "text" ? [u.content.text] : [],
          )
          .at(-1);
      expect(await ctx.request(methods.agent.session.prompt, prompt(sessionId, "/cost"))).toEqual({
        stopReason: "end_turn",
      });
      expect(reply()).toBe("ran /cost");
      await ctx.request(methods.agent.session.prompt, prompt(sessionId, "/model model-b"));
      expect(reply()).toBe("model: model-b (model-a, model-b)");
      expect(h.updates.at(-2)).toMatchObject({ sessionUpdate: "config_option_update" });
      await ctx.request(methods.agent.session.prompt, prompt(sessionId, "/model nope"));
      expect(reply()).toContain("unknown model nope");
      expect(prompts).toBe(0);
      // Not a published command: it is the model's text.
      await ctx.request(methods.agent.session.prompt, prompt(sessionId, "/exit now"));
      expect(prompts).toBe(1);
    });
  });
});
