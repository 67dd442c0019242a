/** ACP `session/new` with the client's MCP servers: the model's calls reach them, with ACP's permission questions. */
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { methods } from "@agentclientprotocol/sdk";
import { agentText, createSandbox, lastToolUpdate, startAgent } from "../acp/harness.ts";
import { EVERYTHING, FILESYSTEM } from "./_servers.ts";

test("session/new mcpServers (stdio): echo runs unasked, the filesystem write is asked for and made", async () => {
  const sb = await createSandbox({ turns: [] });
  const target = join(sb.workspace, "out.txt");
  await fetch(`${sb.upstream.url}/_fake/script`, {
    method: "POST",
    body: JSON.stringify({
      turns: [
        {
          toolCalls: [
            { id: "m1", name: "everything__echo", input: { message: "via acp" } },
            { id: "m2", name: "files__write_file", input: { path: target, content: "from acp\n" } },
          ],
          stop: "tool_use",
        },
        { text: "Both done." },
      ],
    }),
  });
  const a = await startAgent(sb, { answer: "allow_once" });
  try {
    const { sessionId } = await a.agent.request(methods.agent.session.new, {
      cwd: sb.workspace,
      mcpServers: [
        { name: "everything", command: process.execPath, args: [EVERYTHING, "stdio"], env: [] },
        { name: "files", command: process.execPath, args: [FILESYSTEM, sb.workspace], env: [] },
      ],
    });
    const res = await a.agent.request(methods.agent.session.prompt, {
      sessionId,
      prompt: [{ type: "text", text: "use them" }],
    });
    expect(res.stopReason).toBe("end_turn");
    expect(a.permissions.map((p) => p.toolCall.title ?? p.toolCall.toolCallId)).toHaveLength(1);
    expect(JSON.stringify(a.permissions[0]?.toolCall)).toContain("files__write_file");
    expect(JSON.stringify(lastToolUpdate(a.updates, "m1"))).toContain("Echo: via acp");
    expect(readFileSync(target, "utf8")).toBe("from acp\n");
    expect(JSON.stringify(sb.upstream.requests[1]?.body)).toContain("Echo: via acp");
    expect(agentText(a.updates)).toBe("Both done.");
  } finally {
    await a.close();
    await sb.cleanup();
  }
});
