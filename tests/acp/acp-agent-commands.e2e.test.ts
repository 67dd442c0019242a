/**
 * The real `loom acp-agent` with the user's Markdown commands and a sub-agent: the editor is told
 * about `/explain` in `available_commands_update`; the prompt `/explain …` goes to the model
 * expanded, limited to the command's tools; the `task` call and the sub-agent's own calls appear
 * as tool calls.
 */
import { expect, test } from "bun:test";
import { methods } from "@agentclientprotocol/sdk";
import { createSandbox, startAgent } from "./harness.ts";

test("custom commands are announced and expanded; a sub-agent's calls show as tool calls", async () => {
  const sb = await createSandbox(
    {
      turns: [
        {
          toolCalls: [
            { id: "toolu_t", name: "task", input: { description: "read it", prompt: "Summarise src/a.ts" } },
          ],
        },
        { toolCalls: [{ id: "toolu_r", name: "read_file", input: { path: "src/a.ts" } }] },
        { text: "SUB SUMMARY" },
        { text: ["a.ts holds one constant."] },
      ],
    },
    {
      "src/a.ts": "export const A = 1;\n",
      ".loom/commands/explain.md":
        "---\ndescription: Explain a file\nargument-hint: [path]\nallowed-tools: read_file, task\n---\nExplain $ARGUMENTS in two sentences.\n",
    },
  );
  const a = await startAgent(sb);
  try {
    const { sessionId } = await a.agent.request(methods.agent.session.new, {
      cwd: sb.workspace,
      mcpServers: [],
    });
    const announced = await a.waitFor((u) => u.sessionUpdate === "available_commands_update");
    const commands =
      announced.sessionUpdate === "available_commands_update" ? announced.availableCommands : [];
    expect(commands.find((c) => c.name === "explain")).toEqual({
      name: "explain",
      description: "Explain a file",
      input: { hint: "path" },
    });

    const res = await a.agent.request(methods.agent.session.prompt, {
      sessionId,
      prompt: [{ type: "text", text: "/explain src/a.ts" }],
    });
    expect(res.stopReason).toBe("end_turn");
    const first = sb.upstream.requests[0]?.body as { messages: unknown[]; tools?: Array<{ name: string }> };
    expect(JSON.stringify(first.messages)).toContain("Explain src/a.ts in two sentences.");
    expect(first.tools?.map((t) => t.name).sort()).toEqual(["read_file", "task"]);

    const updates = a.updates.map((n) => n.update);
    const started = updates.flatMap((u) => (u.sessionUpdate === "tool_call" ? [u.toolCallId] : []));
    expect(started).toEqual(["toolu_t", "toolu_t/toolu_r"]);
    const done = updates.flatMap((u) =>
      u.sessionUpdate === "tool_call_update" && u.status === "completed" ? [u.toolCallId] : [],
    );
    expect(done).toEqual(["toolu_t/toolu_r", "toolu_t"]);
  } finally {
    await a.close();
    await sb.cleanup();
  }
});
