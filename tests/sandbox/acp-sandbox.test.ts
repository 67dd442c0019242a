/**
 * The ACP agent's sandbox question: after the sandbox refused a command, the client is asked (a
 * permission request about Loom's own `loom-sandbox-<call id>` tool call) whether to run it once
 * outside; "run_outside" runs it, "keep_refusal" leaves the refusal for the model. Where no sandbox
 * can be made, an auto session asks the client once whether commands may run without one.
 */
import { afterAll, expect } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { createSandbox, startAgent } from "../acp/harness.ts";
import { testNeeding } from "../cli/_needs-tool.ts";

const probe = await probeSandbox(findBwrap());
const it = testNeeding("bubblewrap (a working bwrap)", probe.ok);
const outside = realpathSync(mkdtempSync(join(existsSync("/var/tmp") ? "/var/tmp" : tmpdir(), "loom-out-")));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

it("the client is asked whether a refused command may run once outside the sandbox", async () => {
  const yes = join(outside, "acp-yes.txt");
  const no = join(outside, "acp-no.txt");
  const sb = await createSandbox({
    turns: [
      { toolCalls: [{ id: "b1", name: "bash", input: { command: `echo x > ${yes}` } }], stop: "tool_use" },
      { toolCalls: [{ id: "b2", name: "bash", input: { command: `echo x > ${no}` } }], stop: "tool_use" },
      { text: "done" },
    ],
  });
  const answers = ["run_outside", "keep_refusal"];
  const a = await startAgent(sb, {
    args: ["--permission-mode", "auto"],
    answer: () => answers.shift() ?? "keep_refusal",
  });
  try {
    const { sessionId } = await a.agent.request(methods.agent.session.new, {
      cwd: sb.workspace,
      mcpServers: [],
    });
    const req: acp.PromptRequest = { sessionId, prompt: [{ type: "text", text: "go" }] };
    expect((await a.agent.request(methods.agent.session.prompt, req)).stopReason).toBe("end_turn");
    expect(a.permissions.map((p) => [p.toolCall.toolCallId, p.toolCall.kind])).toEqual([
      ["loom-sandbox-b1", "execute"],
      ["loom-sandbox-b2", "execute"],
    ]);
    expect(a.permissions[0]?.toolCall.title).toContain("Run it once outside the sandbox?");
    expect(a.seenBeforeAsk).toEqual([true, true]);
    expect(existsSync(yes)).toBe(true);
    expect(existsSync(no)).toBe(false);
    expect(JSON.stringify(sb.upstream.requests.at(-1)?.body)).toContain("sandbox_denied");
  } finally {
    await a.close();
    await sb.cleanup();
  }
});

it("no sandbox possible in auto mode: the client is asked once; yes lets the session's commands run", async () => {
  const sb = await createSandbox({
    turns: [
      { toolCalls: [{ id: "c1", name: "bash", input: { command: "touch one.txt" } }], stop: "tool_use" },
      { toolCalls: [{ id: "c2", name: "bash", input: { command: "touch two.txt" } }], stop: "tool_use" },
      { text: "done" },
    ],
  });
  // A bwrap that fails as it does where user namespaces are refused.
  const fakeBin = join(outside, "fake-bin");
  mkdirSync(fakeBin, { recursive: true });
  writeFileSync(
    join(fakeBin, "bwrap"),
    "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n",
  );
  chmodSync(join(fakeBin, "bwrap"), 0o755);
  sb.env.PATH = `${fakeBin}:${sb.env.PATH ?? process.env.PATH}`;
  const a = await startAgent(sb, { args: ["--permission-mode", "auto"], answer: "run_unsandboxed" });
  try {
    const { sessionId } = await a.agent.request(methods.agent.session.new, {
      cwd: sb.workspace,
      mcpServers: [],
    });
    const req: acp.PromptRequest = { sessionId, prompt: [{ type: "text", text: "go" }] };
    expect((await a.agent.request(methods.agent.session.prompt, req)).stopReason).toBe("end_turn");
    expect(a.permissions.map((p) => p.toolCall.toolCallId)).toEqual([`loom-no-sandbox-${sessionId}`]);
    // The reason is the question's content, sent with its tool call before it is asked.
    const announced = a.updates.find(
      (n) => n.update.sessionUpdate === "tool_call" && n.update.toolCallId === `loom-no-sandbox-${sessionId}`,
    );
    expect(JSON.stringify(announced)).toContain("setting up uid map: Permission denied");
    expect(a.seenBeforeAsk).toEqual([true]);
    expect(existsSync(join(sb.workspace, "one.txt"))).toBe(true);
    expect(existsSync(join(sb.workspace, "two.txt"))).toBe(true);
  } finally {
    await a.close();
    await sb.cleanup();
  }
});
