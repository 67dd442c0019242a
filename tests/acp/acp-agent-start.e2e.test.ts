/**
 * The real `loom acp-agent` at the edges of a connection: `initialize` answered before the SDK
 * loads (once, and the session still works after), and input it cannot read.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, MAIN } from "./harness.ts";
import { rawAgent, rpc } from "./raw.ts";

describe("loom acp-agent start", () => {
  test("initialize is answered once, with the capabilities; session/new and a prompt work after it", async () => {
    const sb = await createSandbox({ turns: [{ text: ["Hi ", "there."] }] });
    const a = rawAgent(sb, ["--provider", "anthropic"]);
    try {
      // The client sends its next requests without waiting for the answer.
      await a.send(rpc(1, "initialize", { protocolVersion: 1, clientCapabilities: { terminal: false } }));
      await a.send(rpc(2, "session/new", { cwd: sb.workspace, mcpServers: [] }));
      const init = await a.answer(1);
      expect(init?.result).toMatchObject({
        protocolVersion: 1,
        agentInfo: { name: "loom" },
        agentCapabilities: { loadSession: true, promptCapabilities: { embeddedContext: true } },
      });
      const created = (await a.answer(2))?.result as { sessionId?: string } | undefined;
      expect(created?.sessionId).toMatch(/^T-/);
      const sessionId = created?.sessionId;
      await a.send(rpc(3, "session/prompt", { sessionId, prompt: [{ type: "text", text: "hello" }] }));
      expect((await a.answer(3))?.result).toEqual({ stopReason: "end_turn" });
      // The SDK, which reads the initialize again, did not answer it a second time.
      expect(a.replies.filter((r) => r.id === 1)).toHaveLength(1);
      a.proc.stdin.end();
      expect(await a.proc.exited).toBe(0);
    } finally {
      a.proc.kill();
      await sb.cleanup();
    }
  });

  test("initialize answered again later in the connection comes from the SDK, once", async () => {
    const sb = await createSandbox({ turns: [] });
    const a = rawAgent(sb, ["--provider", "anthropic"]);
    try {
      await a.send(rpc(1, "initialize", { protocolVersion: 1 }));
      await a.send(rpc(2, "initialize", { protocolVersion: 1 }));
      expect((await a.answer(2))?.result).toMatchObject({ protocolVersion: 1 });
      await a.send(rpc(3, "session/list", {}));
      expect((await a.answer(3))?.result).toEqual({ sessions: [] });
      expect(a.replies.filter((r) => r.id === 1)).toHaveLength(1);
      expect(a.replies.filter((r) => r.id === 2)).toHaveLength(1);
    } finally {
      a.proc.kill();
      await sb.cleanup();
    }
  });

  test("a stdin line over 32 MiB: one line on stderr saying why, exit 1", async () => {
    const sb = await createSandbox({ turns: [] });
    const a = rawAgent(sb, ["--provider", "anthropic"]);
    try {
      await a.send(rpc(1, "initialize", { protocolVersion: 1 }));
      expect((await a.answer(1))?.result).toMatchObject({ protocolVersion: 1 });
      const huge = JSON.stringify(rpc(2, "session/list", { cwd: "x".repeat(33 * 1024 * 1024) }));
      // The agent stops reading (and exits) before the whole line is written: a broken pipe here.
      await Promise.resolve(a.proc.stdin.write(`${huge}\n`))
        .then(() => a.proc.stdin.flush())
        .catch(() => {});
      expect(await a.proc.exited).toBe(1);
      const stderr = await new Response(a.proc.stderr).text();
      const lines = stderr.split("\n").filter((l) => l.includes("stdin"));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^loom acp-agent: stopped reading stdin: .*33554432 byte limit/);
      expect(stderr).not.toContain("    at ");
    } finally {
      a.proc.kill();
      await sb.cleanup();
    }
  });

  test("without a provider key: auth methods advertised, session/new → auth_required, authenticate once a key is configured", async () => {
    // The fake model accepts only the key the user puts in config below.
    const sb = await createSandbox({ apiKey: "test-key-from-config", turns: [{ text: ["Signed in."] }] });
    const { ANTHROPIC_API_KEY: _, ...env } = sb.env;
    const a = rawAgent(sb, ["--provider", "anthropic"], env);
    try {
      await a.send(rpc(1, "initialize", { protocolVersion: 1 }));
      const init = (await a.answer(1))?.result as { authMethods?: { id: string }[] } | undefined;
      expect(init?.authMethods?.map((m) => m.id)).toEqual(["provider-key"]);
      await a.send(rpc(2, "session/new", { cwd: sb.workspace, mcpServers: [] }));
      const refused = (await a.answer(2))?.error as { code: number; message: string } | undefined;
      expect(refused).toMatchObject({
        code: -32000,
        data: { code: "MISSING_CREDENTIALS", authMethods: ["provider-key"] },
      });
      expect(refused?.message).toContain("ANTHROPIC_API_KEY");
      // Signing in before a key exists says what is missing, the same way.
      await a.send(rpc(3, "authenticate", { methodId: "provider-key" }));
      expect((await a.answer(3))?.error).toMatchObject({ code: -32000 });
      await a.send(rpc(4, "authenticate", { methodId: "oauth" }));
      expect((await a.answer(4))?.error).toMatchObject({ code: -32602 });
      // The user puts a key in Loom's config; signing in now succeeds and sessions work.
      const configDir = join(env.XDG_CONFIG_HOME ?? "", "loom");
      mkdirSync(configDir, { recursive: true });
      writeFileSync(
        join(configDir, "config.toml"),
        '[providers.anthropic]\napi_key = "test-key-from-config"\n',
      );
      await a.send(rpc(5, "authenticate", { methodId: "provider-key" }));
      expect((await a.answer(5))?.result).toEqual({});
      await a.send(rpc(6, "session/new", { cwd: sb.workspace, mcpServers: [] }));
      const sessionId = ((await a.answer(6))?.result as { sessionId?: string } | undefined)?.sessionId;
      await a.send(rpc(7, "session/prompt", { sessionId, prompt: [{ type: "text", text: "hi" }] }));
      expect((await a.answer(7))?.result).toEqual({ stopReason: "end_turn" });
    } finally {
      a.proc.kill();
      await sb.cleanup();
    }
  });

  test("terminal auth: offered to clients that can run it; `--login` saves the key and sessions work", async () => {
    const sb = await createSandbox({ apiKey: "sk-typed-in-terminal", turns: [{ text: ["Signed in."] }] });
    const { ANTHROPIC_API_KEY: _, ...env } = sb.env;
    const a = rawAgent(sb, ["--provider", "anthropic"], env);
    try {
      await a.send(
        rpc(1, "initialize", { protocolVersion: 1, clientCapabilities: { auth: { terminal: true } } }),
      );
      const init = (await a.answer(1))?.result as { authMethods?: Record<string, unknown>[] } | undefined;
      expect(init?.authMethods?.map((m) => m.id)).toEqual(["provider-key", "terminal-login"]);
      expect(init?.authMethods?.[1]).toMatchObject({ type: "terminal", args: ["--login"] });

      // What the editor's terminal runs: the agent command plus the method's args.
      const login = Bun.spawn([process.execPath, MAIN, "acp-agent", "--provider", "anthropic", "--login"], {
        cwd: sb.workspace,
        env,
        stdin: new Blob(["sk-typed-in-terminal\n"]),
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(await login.exited).toBe(0);
      expect(await new Response(login.stdout).text()).toContain("Signed in: anthropic key saved to");
      const file = join(env.XDG_CONFIG_HOME ?? "", "loom", "config.toml");
      expect(readFileSync(file, "utf8")).toContain('api_key = "sk-typed-in-terminal"');
      expect(statSync(file).mode & 0o777).toBe(0o600);

      // The running agent picks the key up without a restart.
      await a.send(rpc(2, "session/new", { cwd: sb.workspace, mcpServers: [] }));
      const sessionId = ((await a.answer(2))?.result as { sessionId?: string } | undefined)?.sessionId;
      await a.send(rpc(3, "session/prompt", { sessionId, prompt: [{ type: "text", text: "hi" }] }));
      expect((await a.answer(3))?.result).toEqual({ stopReason: "end_turn" });
    } finally {
      a.proc.kill();
      await sb.cleanup();
    }
  });

  test("`--login` with nothing typed saves nothing and exits 1", async () => {
    const sb = await createSandbox({ turns: [] });
    const { ANTHROPIC_API_KEY: _, ...env } = sb.env;
    try {
      const login = Bun.spawn([process.execPath, MAIN, "acp-agent", "--provider", "anthropic", "--login"], {
        cwd: sb.workspace,
        env,
        stdin: new Blob([""]),
        stdout: "pipe",
        stderr: "pipe",
      });
      expect(await login.exited).toBe(1);
      expect(await new Response(login.stdout).text()).toContain("No key given; nothing saved.");
      expect(await new Response(login.stderr).text()).not.toContain("    at ");
    } finally {
      await sb.cleanup();
    }
  });
});
