/** `loom mcp serve` driven by the MCP SDK's own client: Loom's tools, confined and permission-checked. */
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { findBwrap, probeSandbox } from "@loom/runtime/sandbox/probe";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createSandbox, MAIN, type Sandbox } from "../cli/_harness.ts";
import { testNeeding } from "../cli/_needs-tool.ts";

const opened: Array<{ close(): Promise<void> }> = [];
const sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const sb of sandboxes.splice(0)) sb.cleanup();
});

function sandbox(): Sandbox {
  const sb = createSandbox({ "src/app.ts": "export const answer = 41;\n", "README.md": "# app\n" });
  sandboxes.push(sb);
  return sb;
}

async function connect(sb: Sandbox, flags: string[], elicit?: (message: string) => boolean): Promise<Client> {
  const client = new Client(
    { name: "test", version: "0" },
    { capabilities: elicit ? { elicitation: {} } : {} },
  );
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (r) =>
      elicit(r.params.message) ? { action: "accept", content: { allow: true } } : { action: "decline" },
    );
  }
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, "mcp", "serve", "--workspace", sb.workspace, ...flags],
    env: sb.env,
    stderr: "pipe",
  });
  await client.connect(transport);
  opened.push(client);
  return client;
}

const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? "") as string;

test("lists Loom's tools with schemas and read-only hints; read_file works; a path outside is refused", async () => {
  const sb = sandbox();
  const client = await connect(sb, []);
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  expect(names).toContain("read_file");
  expect(names).toContain("edit_file");
  expect(tools.find((t) => t.name === "read_file")?.annotations?.readOnlyHint).toBe(true);
  expect(tools.find((t) => t.name === "edit_file")?.annotations?.readOnlyHint).toBe(false);
  expect(tools.find((t) => t.name === "read_file")?.inputSchema.properties).toHaveProperty("path");

  const read = await client.callTool({ name: "read_file", arguments: { path: "src/app.ts" } });
  expect(read.isError).toBe(false);
  expect(text(read)).toContain("export const answer = 41;");

  for (const path of ["../../../../etc/passwd", "/etc/passwd"]) {
    const outside = await client.callTool({ name: "read_file", arguments: { path } });
    expect(outside.isError).toBe(true);
    expect(text(outside)).toContain('"code":"PATH_OUTSIDE_WORKSPACE"');
  }
  const unknown = await client.callTool({ name: "nope", arguments: {} });
  expect(text(unknown)).toStartWith('TOOL_NOT_FOUND: no tool named "nope"');
});

test("ask mode: a client without elicitation is refused a change; one that approves gets the WASM edit_file run", async () => {
  const sb = sandbox();
  const edit = { path: "src/app.ts", edits: [{ old: "41", new: "42" }] };
  const plain = await connect(sb, ["--permission-mode", "ask"]);
  const refused = await plain.callTool({ name: "edit_file", arguments: edit });
  expect(refused.isError).toBe(true);
  expect(text(refused)).toStartWith("PERMISSION_DENIED: edit_file changes the workspace");
  expect(await Bun.file(join(sb.workspace, "src/app.ts")).text()).toContain("41");

  const asked: string[] = [];
  const declining = await connect(sb, ["--permission-mode", "ask"], (m) => {
    asked.push(m);
    return false;
  });
  expect(text(await declining.callTool({ name: "edit_file", arguments: edit }))).toStartWith(
    "PERMISSION_DENIED",
  );
  expect(asked[0]).toStartWith(`Loom: allow edit_file to change ${sb.workspace}?`);

  const approving = await connect(sb, ["--permission-mode", "ask"], () => true);
  const done = await approving.callTool({ name: "edit_file", arguments: edit });
  expect(text(done)).not.toContain("error");
  expect(done.isError).toBe(false);
  expect(await Bun.file(join(sb.workspace, "src/app.ts")).text()).toBe("export const answer = 42;\n");
});

test("read-only mode does not list tools that change the workspace, and refuses them by name", async () => {
  const sb = sandbox();
  const client = await connect(sb, ["--permission-mode", "read-only"]);
  const names = (await client.listTools()).tools.map((t) => t.name);
  expect(names).toContain("read_file");
  expect(names).not.toContain("edit_file");
  expect(names).not.toContain("bash");
  const r = await client.callTool({ name: "bash", arguments: { command: "touch x" } });
  expect(text(r)).toBe("PERMISSION_DENIED: bash changes the workspace and the session is read-only.");
});

test("--http: streamable HTTP on loopback", async () => {
  const sb = sandbox();
  const proc = Bun.spawn(["bun", MAIN, "mcp", "serve", "--workspace", sb.workspace, "--http", "0"], {
    env: sb.env,
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const reader = proc.stderr.getReader();
    let seen = "";
    let url: string | undefined;
    for (let i = 0; i < 100 && !url; i++) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += new TextDecoder().decode(value);
      url = /MCP server on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(seen)?.[1];
    }
    expect(url).toBeDefined();
    const client = new Client({ name: "test", version: "0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url!)));
    opened.push(client);
    const read = await client.callTool({ name: "read_file", arguments: { path: "README.md" } });
    expect(text(read)).toContain("# app");
  } finally {
    proc.kill();
    await proc.exited;
  }
});

test("bad flags are one line and a non-zero exit", async () => {
  const sb = sandbox();
  const p = Bun.spawnSync(["bun", MAIN, "mcp", "serve", "--permission-mode", "sometimes"], {
    env: sb.env,
    cwd: sb.workspace,
  });
  expect(p.exitCode).not.toBe(0);
  expect(p.stderr.toString().trim().split("\n")).toHaveLength(1);
  expect(p.stderr.toString()).toContain("--permission-mode: expected ask, auto or read-only");
});

const sandboxProbe = await probeSandbox(findBwrap());
const withBwrap = testNeeding("bubblewrap (a working bwrap)", sandboxProbe.ok);

withBwrap(
  "bash run for an MCP client is in the OS sandbox: the workspace is writable, nothing outside it",
  async () => {
    const sb = sandbox();
    const client = await connect(sb, ["--permission-mode", "auto"]);
    const outside = join(sb.root, "escaped.txt");
    const attempt = await client.callTool({
      name: "bash",
      arguments: { command: `echo inside > made.txt; echo out > ${outside}` },
    });
    const result = JSON.parse(text(attempt)) as { sandbox?: string };
    expect(result.sandbox).toBe("workspace-write");
    expect(await Bun.file(join(sb.workspace, "made.txt")).text()).toBe("inside\n");
    expect(await Bun.file(outside).exists()).toBe(false);
  },
);
