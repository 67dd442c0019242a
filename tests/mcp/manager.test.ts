/** The MCP client against real servers from npm: tools listed and called, failures and restarts. */
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createMcpManager, type McpManager } from "@loom/runtime/mcp/manager";
import type { Tool } from "@loom/runtime/tool";
import { EVERYTHING, everything, filesystem, hanging, serverConfig } from "./_servers.ts";

const open: McpManager[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((m) => m.close()));
});

function manager(servers: Parameters<typeof createMcpManager>[0]["servers"], workspace = tmpdir()) {
  const warnings: string[] = [];
  const changes: Tool[][] = [];
  const m = createMcpManager({
    servers,
    workspace,
    env: process.env,
    onWarning: (w) => warnings.push(w),
    onChange: (t) => changes.push(t),
  });
  open.push(m);
  return { m, warnings, changes };
}

const call = (tools: Tool[], name: string, input: unknown) => {
  const tool = tools.find((t) => t.name === name);
  if (!tool) throw new Error(`no ${name} in ${tools.map((t) => t.name).join(", ")}`);
  return tool.invoke(input, { workspaceRoot: tmpdir(), signal: new AbortController().signal, callId: "c1" });
};

test("server-everything: tools named <server>__<tool> with their schemas; read-only hint decides mutating", async () => {
  const { m, warnings } = manager({ ev: everything() });
  await m.settled();
  expect(warnings).toEqual([]);
  const tools = m.tools();
  const echo = tools.find((t) => t.name === "ev__echo")!;
  expect(echo.mutating).toBe(false);
  expect(echo.source).toBe("mcp:ev");
  expect((echo.inputSchema as { properties: Record<string, unknown> }).properties.message).toBeDefined();
  expect(tools.find((t) => t.name === "ev__toggle-simulated-logging")?.mutating).toBe(true);
  expect(await call(tools, "ev__echo", { message: "hi" })).toEqual({ output: "Echo: hi", isError: false });
  expect((await call(tools, "ev__get-sum", { a: 2, b: 3 })).output).toContain("5");
  // Images are attached beside a marker in the text; structured content is passed on as JSON.
  const image = await call(tools, "ev__get-tiny-image", {});
  expect(image.output).toMatch(/\[image image\/png, \d+ bytes, attached\]/);
  expect(image.images?.map((i) => i.mimeType)).toEqual(["image/png"]);
  const weather = (await call(tools, "ev__get-structured-content", { location: "Chicago" })).output as string;
  expect(weather).toContain("temperature");
  // Resources: listed and read through the two read-only resource tools.
  expect(tools.find((t) => t.name === "ev__read_resource")?.mutating).toBe(false);
  const listed = (await call(tools, "ev__list_resources", {})).output as string;
  const uri = listed.match(/^(demo:\/\/resource\/static\/document\/\S+)/m)?.[1];
  expect(uri).toBeDefined();
  const read = (await call(tools, "ev__read_resource", { uri })).output as string;
  expect(read).toStartWith(`[resource ${uri}]\n`);
  expect(read.length).toBeGreaterThan(`[resource ${uri}]\n`.length);
  const info = m.servers()[0]!;
  expect(info.status).toBe("ready");
  expect(info.tools).toContain("ev__echo");
});

test(`secrets reach the server from \${VAR}, VAR_FILE and \${file:PATH} references`, async () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-mcp-secret-"));
  try {
    writeFileSync(join(dir, "a"), "from-file-a\n");
    writeFileSync(join(dir, "b"), "from-file-b\n");
    const m = createMcpManager({
      servers: {
        ev: everything({
          env: {
            A_TOKEN: `\${file:${join(dir, "a")}}`,
            B_TOKEN: `\${LOOM_TEST_B}`,
            C_TOKEN: `x-\${LOOM_TEST_C}`,
          },
        }),
      },
      workspace: dir,
      env: { ...process.env, LOOM_TEST_B_FILE: join(dir, "b"), LOOM_TEST_C: "plain" },
    });
    open.push(m);
    await m.settled();
    const seen = JSON.parse((await call(m.tools(), "ev__get-env", {})).output as string);
    expect([seen.A_TOKEN, seen.B_TOKEN, seen.C_TOKEN]).toEqual(["from-file-a", "from-file-b", "x-plain"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("roots/list is answered with the workspace; sampling and elicitation are not offered", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "loom-mcp-roots-")));
  try {
    let wake = () => {};
    const m = createMcpManager({
      servers: { ev: everything() },
      workspace: dir,
      env: process.env,
      onChange: () => wake(),
    });
    open.push(m);
    // server-everything adds its roots tool (tools/list_changed) once the client says it has roots.
    const ready = () => m.tools().some((t) => t.name === "ev__get-roots-list");
    for (let i = 0; i < 10 && !ready(); i++)
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    const roots = (await call(m.tools(), "ev__get-roots-list", {})).output as string;
    expect(roots).toContain(`file://${dir}`);
    const names = m.tools().map((t) => t.name);
    expect(names.filter((n) => /sampling|elicitation/.test(n))).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("tools.allow and tools.deny choose which tools are offered", async () => {
  const { m } = manager({
    a: everything({ tools: { allow: ["echo", "get-sum"], deny: ["get-sum"] } }),
  });
  await m.settled();
  expect(m.tools().map((t) => t.name)).toEqual(["a__echo"]);
});

test("server-filesystem: write_file is mutating and writes; read_file reads it back", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "loom-mcp-fs-")));
  try {
    const { m } = manager({ fs: filesystem(dir) }, dir);
    await m.settled();
    const tools = m.tools();
    expect(tools.find((t) => t.name === "fs__write_file")?.mutating).toBe(true);
    expect(tools.find((t) => t.name === "fs__read_text_file")?.mutating).toBe(false);
    const path = join(dir, "note.txt");
    expect((await call(tools, "fs__write_file", { path, content: "from mcp" })).isError).toBe(false);
    expect(readFileSync(path, "utf8")).toBe("from mcp");
    expect((await call(tools, "fs__read_text_file", { path })).output).toBe("from mcp");
    const outside = await call(tools, "fs__read_text_file", { path: "/etc/hostname" });
    expect(outside.isError).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a server that never answers initialize fails alone with one warning; the others are ready", async () => {
  const { m, warnings } = manager({ slow: hanging({ timeout_ms: 300 }), ev: everything() });
  // Nothing waits for start-up: the manager is usable at once, with no tools yet.
  expect(m.tools()).toEqual([]);
  await m.settled();
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toBe(
    "MCP server slow not available: TOOL_TIMEOUT: MCP server slow did not answer within 300 ms",
  );
  expect(m.servers().map((s) => [s.name, s.status])).toEqual([
    ["slow", "failed"],
    ["ev", "ready"],
  ]);
});

test("a command that does not exist, or a bad config, is a one-line warning", async () => {
  const { m, warnings } = manager({
    gone: everything({ command: "/nonexistent/mcp-server" }),
    neither: everything({ command: undefined }),
  });
  await m.settled();
  expect(warnings).toHaveLength(2);
  for (const w of warnings) expect(w).not.toContain("\n");
  expect(warnings.join("|")).toContain("mcp.servers.neither: set command (stdio) or url (HTTP)");
});

test("a server that dies is restarted with backoff and its tools come back", async () => {
  const { m, warnings, changes } = manager({ ev: everything() });
  await m.settled();
  const pid = m.servers()[0]!.pid!;
  expect(pid).toBeGreaterThan(0);
  const back = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (m.servers()[0]!.status === "ready" && m.servers()[0]!.pid !== pid) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  process.kill(pid, "SIGKILL");
  await back;
  expect(warnings[0]).toMatch(/^MCP server ev stopped; restarting in \d+ ms$/);
  // Tools went away while it was down, and came back.
  expect(changes.some((c) => c.length === 0)).toBe(true);
  expect((await call(m.tools(), "ev__echo", { message: "again" })).output).toBe("Echo: again");
});

test("waitForTool waits for a server still starting, not for others", async () => {
  const { m } = manager({ ev: everything() });
  await m.waitForTool("ev__echo", new AbortController().signal);
  expect(m.servers()[0]!.status).toBe("ready");
  // A name of no server returns at once.
  await m.waitForTool("read_file", new AbortController().signal);
});

test("tools/list_changed: a server's new tools are offered", async () => {
  const { m, changes } = manager({
    g: serverConfig({
      command: process.execPath,
      args: [join(import.meta.dir, "fixtures", "growing-server.ts")],
    }),
  });
  await m.settled();
  expect(m.tools().map((t) => t.name)).toEqual(["g__grow", "g__wait"]);
  const grown = new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (changes.at(-1)?.some((t) => t.name === "g__grown_2")) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  expect((await call(m.tools(), "g__grow", {})).output).toBe("called grow");
  await grown;
  expect(m.tools().map((t) => t.name)).toEqual(["g__grow", "g__wait", "g__grown_2"]);
});

test("streamable HTTP: server-everything over HTTP, with a header from the environment", async () => {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  const proc = Bun.spawn([process.execPath, EVERYTHING, "streamableHttp"], {
    env: { ...process.env, PORT: String(port) },
    stdout: "ignore",
    stderr: "pipe",
  });
  try {
    const reader = proc.stderr.getReader();
    let seen = "";
    for (let i = 0; i < 100 && !seen.includes("listening"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
    }
    const { m, warnings } = manager({
      remote: serverConfig({ url: `http://127.0.0.1:${port}/mcp`, headers: { "X-Token": `\${HOME}` } }),
    });
    await m.settled();
    expect(warnings).toEqual([]);
    expect((await call(m.tools(), "remote__echo", { message: "over http" })).output).toBe("Echo: over http");
  } finally {
    proc.kill();
    await proc.exited;
  }
});

test("cancelling a call sends notifications/cancelled: the server sees its request aborted", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-mcp-cancel-"));
  const marker = join(dir, "marker");
  try {
    const { m } = manager({
      g: serverConfig({
        command: process.execPath,
        args: [join(import.meta.dir, "fixtures", "growing-server.ts"), marker],
      }),
    });
    await m.settled();
    const tool = m.tools().find((t) => t.name === "g__wait")!;
    const controller = new AbortController();
    const progress: string[] = [];
    const call = tool.invoke(
      {},
      {
        workspaceRoot: dir,
        callId: "c",
        signal: controller.signal,
        onProgress: (p) => {
          progress.push(p.message ?? "");
          controller.abort();
        },
      },
    );
    await expect(call).rejects.toThrow();
    expect(progress).toEqual(["waiting"]);
    for (let i = 0; i < 200 && !existsSync(marker); i++) await Bun.sleep(10);
    expect(readFileSync(marker, "utf8")).toBe("cancelled");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
