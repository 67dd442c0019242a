/**
 * Loom honours its own kill switches in team mode: a real `loom serve` (socket) with the fake model
 * upstream, the real runtime and tools in a CLI session, and a real `loom run` process. An admin
 * turning `tool.read_file.disabled` or `model.<id>.disabled` on mid-session is a notice at once; the
 * next call of the tool is refused with the reason, and the model is not called.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { type RunningServer, startServer } from "@loom/server/serve";
import { createToken } from "@loom/server/tokens";
import type { SessionEvent } from "../../cli/src/session/events.ts";
import { createSession } from "../../cli/src/session/session.ts";
import { isolatedEnv } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { tempDir } from "./_helpers.ts";

const ROOT = join(import.meta.dir, "../..");
const KEY = "sk-ant-kill-switch-test-key-123456";
const MODEL = "claude-sonnet-4-6";
const readA = { toolCalls: [{ name: "read_file", input: { path: "a.txt" } }] };
let up: FakeUpstream;
let server: RunningServer;
let token: string;

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.status).toBeLessThan(300);
  return res;
};

function workspace() {
  const home = tempDir("loom-ks-");
  const ws = join(home, "ws");
  mkdirSync(ws);
  writeFileSync(join(ws, "a.txt"), "alpha\n");
  return { ws, env: { ...isolatedEnv(home), LOOM_TOKEN: token } };
}

beforeAll(async () => {
  up = await startFakeUpstream({
    script: {
      apiKey: KEY,
      turns: [
        readA,
        { text: "first done" },
        readA,
        { text: "second done" },
        readA,
        { text: "run done" },
        readA,
        { text: "acp done" },
      ],
    },
  });
  server = await startServer({
    port: 0,
    dbPath: join(tempDir(), "server.db"),
    env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: up.url },
    logSink: () => {},
  });
  token = createToken(server.db, { name: "ada" }).token;
  await api("POST", "/api/orgs", { slug: "acme" });
});

afterAll(async () => {
  await server?.stop();
  await up?.stop();
});

test("a session follows the switches: tool and model refused mid-session with a notice, and back again", async () => {
  const { ws, env } = workspace();
  const session = await createSession({
    workspace: ws,
    env,
    serverUrl: server.url,
    provider: "anthropic",
    model: MODEL,
    permissionMode: "auto",
  });
  const events: SessionEvent[] = [];
  const waiters: [(e: SessionEvent) => boolean, () => void][] = [];
  session.on((e) => {
    events.push(e);
    for (const [i, [pred, done]] of [...waiters.entries()].reverse())
      if (pred(e)) {
        waiters.splice(i, 1);
        done();
      }
  });
  const noticeAbout = (text: string) =>
    new Promise<void>((resolve) => {
      const pred = (e: SessionEvent) => e.type === "session.notice" && e.message.includes(text);
      if (events.some(pred)) resolve();
      else waiters.push([pred, resolve]);
    });
  const toolResults = () =>
    events.flatMap((e) => (e.type === "tool.completed" ? [{ result: e.result, isError: e.isError }] : []));
  try {
    expect((await session.send("read a.txt")).message?.content).toBe("first done");
    expect(toolResults()).toEqual([{ result: expect.stringContaining("alpha"), isError: false }]);

    const toolOff = noticeAbout(
      "your team turned off tool read_file (kill switch tool.read_file.disabled) (reason: incident 7)",
    );
    await api("POST", "/api/orgs/acme/kill-switches/tool.read_file.disabled/activate", {
      reason: "incident 7",
    });
    await toolOff;
    expect((await session.send("read it again")).message?.content).toBe("second done");
    expect(toolResults()[1]).toEqual({
      result: expect.stringMatching(
        /^TOOL_DISABLED: read_file is turned off by your team's kill switch tool\.read_file\.disabled \(reason: incident 7\)/,
      ),
      isError: true,
    });

    const requests = up.requests.length;
    const modelOff = noticeAbout("kill switch model.claude_sonnet_4_6.disabled");
    await api("POST", "/api/orgs/acme/kill-switches/model.claude_sonnet_4_6.disabled/activate", {
      reason: "bad outputs",
    });
    await modelOff;
    const refused = await session.send("anything");
    expect(refused.reason).toBe("error");
    expect(refused.error).toContain(
      "model claude-sonnet-4-6 is turned off by your team's kill switch model.claude_sonnet_4_6.disabled (reason: bad outputs)",
    );
    expect(up.requests.length).toBe(requests);

    const back = noticeAbout("kill switch tool.read_file.disabled is off again");
    await api("POST", "/api/orgs/acme/kill-switches/tool.read_file.disabled/deactivate");
    await api("POST", "/api/orgs/acme/kill-switches/model.claude_sonnet_4_6.disabled/deactivate");
    await back;
    await noticeAbout("kill switch model.claude_sonnet_4_6.disabled is off again");
  } finally {
    await session.close();
  }
}, 30_000);

test("loom run refuses a tool whose switch is on, and says why", async () => {
  const { ws, env } = workspace();
  await api("POST", "/api/orgs/acme/kill-switches/tool.read_file.disabled/activate", { reason: "audit" });
  const proc = Bun.spawn(
    [
      "bun",
      join(ROOT, "cli/src/main.ts"),
      "run",
      "--server-url",
      server.url,
      "--provider",
      "anthropic",
      "--model",
      MODEL,
      "--json",
      "read a.txt",
    ],
    { cwd: ws, env, stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 25_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  expect(code).toBe(0);
  expect(stdout + stderr).toContain(
    "your team turned off tool read_file (kill switch tool.read_file.disabled) (reason: audit)",
  );
  expect(stdout).toContain("TOOL_DISABLED: read_file is turned off");
  expect(stdout).toContain("run done");
  expect(stdout).not.toContain("alpha");
}, 30_000);

test("the ACP agent refuses a tool whose switch is on and tells the editor", async () => {
  const { ws, env } = workspace();
  // The previous test left the switch on: off, then on again with this test's reason.
  await fetch(`${server.url}/api/orgs/acme/kill-switches/tool.read_file.disabled/deactivate`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
  await api("POST", "/api/orgs/acme/kill-switches/tool.read_file.disabled/activate", {
    reason: "editor audit",
  });
  const proc = Bun.spawn(
    [
      "bun",
      join(ROOT, "cli/src/main.ts"),
      "acp-agent",
      "--server-url",
      server.url,
      "--provider",
      "anthropic",
      "--model",
      MODEL,
      "--permission-mode",
      "auto",
    ],
    { cwd: ws, env, stdin: "pipe", stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => proc.kill("SIGKILL"), 25_000);
  const texts: string[] = [];
  const output = new WritableStream<Uint8Array>({
    async write(chunk) {
      proc.stdin.write(chunk);
      await proc.stdin.flush();
    },
    async close() {
      await proc.stdin.end();
    },
  });
  const conn = acp
    .client({ name: "kill-switch-test" })
    .onNotification(methods.client.session.update, ({ params }) => {
      texts.push(JSON.stringify(params.update));
    })
    .onRequest(methods.client.session.requestPermission, async () => ({
      outcome: { outcome: "selected", optionId: "allow_once" },
    }))
    .connect(acp.ndJsonStream(output, proc.stdout));
  await conn.agent.request(methods.agent.initialize, {
    protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: {},
  });
  const { sessionId } = await conn.agent.request(methods.agent.session.new, { cwd: ws, mcpServers: [] });
  const done = await conn.agent.request(methods.agent.session.prompt, {
    sessionId,
    prompt: [{ type: "text", text: "read a.txt" }],
  });
  expect(done.stopReason).toBe("end_turn");
  const all = texts.join("\n");
  // The editor is told (a notice in the conversation), the tool call failed with the reason, and the
  // model got the refusal instead of the file.
  expect(all).toContain("kill switch tool.read_file.disabled");
  expect(all).toContain("acp done");
  const last = up.requests.at(-1);
  expect(JSON.stringify(last)).toContain("TOOL_DISABLED: read_file is turned off");
  expect(JSON.stringify(last)).not.toContain("alpha");
  proc.stdin.end();
  await proc.exited;
  clearTimeout(timer);
  await api("POST", "/api/orgs/acme/kill-switches/tool.read_file.disabled/deactivate");
}, 30_000);
