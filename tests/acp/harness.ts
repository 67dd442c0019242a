/**
 * Drives the real `loom acp-agent` subprocess with the ACP SDK's client over stdio, its model
 * being the fake upstream (Anthropic wire format) playing a script, in temporary HOME/XDG dirs.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as acp from "@agentclientprotocol/sdk";
import { methods } from "@agentclientprotocol/sdk";
import { isolatedEnv } from "../cli/_harness.ts";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";

export const MAIN = join(import.meta.dir, "../../cli/src/main.ts");

/** Temporary home, XDG dirs and workspace; `env` points the Anthropic provider at `upstream`. */
export interface Sandbox {
  root: string;
  workspace: string;
  env: Record<string, string>;
  upstream: FakeUpstream;
  cleanup(): Promise<void>;
}

export async function createSandbox(script: Script, files: Record<string, string> = {}): Promise<Sandbox> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "loom-acp-e2e-")));
  const workspace = join(root, "work");
  mkdirSync(workspace);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, name)), { recursive: true });
    writeFileSync(join(workspace, name), text);
  }
  const upstream = await startFakeUpstream({ script });
  const env: Record<string, string> = {
    ...isolatedEnv(root),
    ANTHROPIC_BASE_URL: upstream.url,
    ANTHROPIC_API_KEY: "test-key-for-the-fake-upstream",
  };
  return {
    root,
    workspace,
    env,
    upstream,
    async cleanup() {
      await upstream.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface ClientOptions {
  /** The answer to every permission question (an option id), or a function deciding it. */
  answer?: string | ((req: acp.RequestPermissionRequest) => string | Promise<string>);
  /** Serve fs/read_text_file and fs/write_text_file from these buffers (absolute path → text). */
  buffers?: Map<string, string>;
  /** Offer `terminal/*`: commands run here as child processes; each `terminal/create` is recorded. */
  terminals?: acp.CreateTerminalRequest[];
  args?: string[];
}

export interface AgentUnderTest {
  agent: acp.ClientContext;
  init: acp.InitializeResponse;
  updates: acp.SessionNotification[];
  permissions: acp.RequestPermissionRequest[];
  /** Per permission question: had its `tool_call` arrived before it was asked? */
  seenBeforeAsk: boolean[];
  stderr(): Promise<string>;
  /** Resolves when an update matching `pred` has arrived (bounded). */
  waitFor(pred: (u: acp.SessionUpdate) => boolean): Promise<acp.SessionUpdate>;
  /** Ends stdin and waits for the agent to exit (killed after 5 s); its exit code, null when killed. */
  close(): Promise<number | null>;
}

/** ndjson over a Bun subprocess; stdin is a FileSink, so each message is written and flushed. */
function procStream(proc: Bun.Subprocess<"pipe", "pipe", "pipe">): acp.Stream {
  const output = new WritableStream<Uint8Array>({
    async write(chunk) {
      proc.stdin.write(chunk);
      await proc.stdin.flush();
    },
    async close() {
      await proc.stdin.end();
    },
  });
  return acp.ndJsonStream(output, proc.stdout);
}

export async function startAgent(sb: Sandbox, o: ClientOptions = {}): Promise<AgentUnderTest> {
  const proc = Bun.spawn(
    [process.execPath, MAIN, "acp-agent", "--provider", "anthropic", ...(o.args ?? [])],
    {
      cwd: sb.workspace,
      env: sb.env,
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const updates: acp.SessionNotification[] = [];
  const permissions: acp.RequestPermissionRequest[] = [];
  const seenBeforeAsk: boolean[] = [];
  const waiters = new Set<() => void>();
  let app = acp
    .client({ name: "e2e" })
    .onNotification(methods.client.session.update, ({ params }) => {
      updates.push(params);
      for (const w of waiters) w();
    })
    .onRequest(methods.client.session.requestPermission, async ({ params }) => {
      permissions.push(params);
      seenBeforeAsk.push(
        updates.some(
          (n) => n.update.sessionUpdate === "tool_call" && n.update.toolCallId === params.toolCall.toolCallId,
        ),
      );
      const a = o.answer ?? "allow_once";
      return { outcome: { outcome: "selected", optionId: typeof a === "string" ? a : await a(params) } };
    });
  const buffers = o.buffers;
  if (buffers) {
    app = app
      .onRequest(methods.client.fs.readTextFile, ({ params }) => {
        const text = buffers.get(params.path);
        if (text === undefined) throw acp.RequestError.resourceNotFound(params.path);
        return { content: text };
      })
      .onRequest(methods.client.fs.writeTextFile, ({ params }) => {
        buffers.set(params.path, params.content);
        return {};
      });
  }
  if (o.terminals) app = withTerminals(app, o.terminals);
  const conn = app.connect(procStream(proc));
  const init = await conn.agent.request(methods.agent.initialize, {
    protocolVersion: acp.PROTOCOL_VERSION,
    clientCapabilities: {
      ...(buffers ? { fs: { readTextFile: true, writeTextFile: true } } : {}),
      ...(o.terminals ? { terminal: true } : {}),
    },
  });
  return {
    agent: conn.agent,
    init,
    updates,
    permissions,
    seenBeforeAsk,
    stderr: () => new Response(proc.stderr).text(),
    waitFor(pred) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = updates.find((n) => pred(n.update));
          if (!hit) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(hit.update);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error("timed out waiting for a session update"));
        }, 15_000);
        if (!check()) waiters.add(wake);
      });
    },
    async close() {
      conn.close();
      proc.stdin.end();
      const exited = await Promise.race([proc.exited, Bun.sleep(5000).then(() => "timeout" as const)]);
      if (exited === "timeout") proc.kill();
      await proc.exited;
      return exited === "timeout" ? null : proc.exitCode;
    },
  };
}

/** A client's terminals: real child processes, output = stdout + stderr. */
export function withTerminals(app: acp.ClientApp, created: acp.CreateTerminalRequest[]): acp.ClientApp {
  const terms = new Map<string, { proc: Bun.Subprocess<"ignore", "pipe", "pipe">; out: Promise<string> }>();
  return app
    .onRequest(methods.client.terminal.create, ({ params }) => {
      created.push(params);
      const proc = Bun.spawn([params.command, ...(params.args ?? [])], {
        cwd: params.cwd ?? undefined,
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      });
      const out = Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]).then(
        ([a, b]) => a + b,
      );
      const terminalId = `term-${created.length}`;
      terms.set(terminalId, { proc, out });
      return { terminalId };
    })
    .onRequest(methods.client.terminal.waitForExit, async ({ params }) => {
      const t = terms.get(params.terminalId);
      if (!t) throw acp.RequestError.resourceNotFound(params.terminalId);
      const code = await t.proc.exited;
      return t.proc.signalCode ? { exitCode: null, signal: String(t.proc.signalCode) } : { exitCode: code };
    })
    .onRequest(methods.client.terminal.output, async ({ params }) => {
      const t = terms.get(params.terminalId);
      if (!t) throw acp.RequestError.resourceNotFound(params.terminalId);
      return { output: await t.out, truncated: false };
    })
    .onRequest(methods.client.terminal.kill, ({ params }) => {
      terms.get(params.terminalId)?.proc.kill();
      return {};
    })
    .onRequest(methods.client.terminal.release, ({ params }) => {
      terms.get(params.terminalId)?.proc.kill();
      terms.delete(params.terminalId);
      return {};
    });
}

/** The text of the agent's message chunks, in order. */
export function agentText(updates: acp.SessionNotification[]): string {
  return updates
    .map((n) => n.update)
    .filter((u) => u.sessionUpdate === "agent_message_chunk")
    .map((u) =>
      u.sessionUpdate === "agent_message_chunk" && u.content.type === "text" ? u.content.text : "",
    )
    .join("");
}

/** The last tool_call_update the agent sent for one tool call. */
export function lastToolUpdate(
  updates: acp.SessionNotification[],
  toolCallId: string,
): acp.SessionUpdate | undefined {
  return updates
    .map((n) => n.update)
    .filter((u) => u.sessionUpdate === "tool_call_update" && u.toolCallId === toolCallId)
    .at(-1);
}

/** A session made and prompted once by an agent process that has exited since: its id. */
export async function storedSession(sb: Sandbox, text: string): Promise<string> {
  const first = await startAgent(sb);
  try {
    const { sessionId } = await first.agent.request(methods.agent.session.new, {
      cwd: sb.workspace,
      mcpServers: [],
    });
    await first.agent.request(methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text }] });
    return sessionId;
  } finally {
    await first.close();
  }
}
