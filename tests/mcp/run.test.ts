/**
 * `loom run` with MCP servers from the user's config: the fake model calls tools of real servers
 * (server-everything, server-filesystem); the permission flow, a hanging server, a broken one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, jsonLines, loom } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { EVERYTHING, FILESYSTEM } from "./_servers.ts";

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({ script: { turns: [] } });
});
afterAll(() => upstream.stop());

const toml = (s: string) => JSON.stringify(s);

function userConfig(root: string, workspace: string): void {
  const dir = join(root, "config", "loom");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "config.toml"),
    [
      "[mcp.servers.ev]",
      `command = ${toml(process.execPath)}`,
      `args = [${toml(EVERYTHING)}, "stdio"]`,
      "[mcp.servers.fs]",
      `command = ${toml(process.execPath)}`,
      `args = [${toml(FILESYSTEM)}, ${toml(workspace)}]`,
      // Never answers initialize, and is given all the time in the world: the run must not wait for it.
      "[mcp.servers.stuck]",
      'command = "sleep"',
      'args = ["600"]',
      "timeout_ms = 600000",
      // Never answers either; the model calls it, so the run waits for its (short) start-up to fail.
      "[mcp.servers.slow]",
      'command = "sleep"',
      'args = ["600"]',
      "timeout_ms = 500",
    ].join("\n"),
  );
}

test("loom run: the model's MCP calls reach the servers; mutating ones go through the permission flow", async () => {
  const sb = createSandbox({ "README.md": "hello\n" });
  try {
    userConfig(sb.root, sb.workspace);
    const target = join(sb.workspace, "from-mcp.txt");
    await fetch(`${upstream.url}/_fake/script`, {
      method: "POST",
      body: JSON.stringify({
        turns: [
          {
            text: "Calling MCP tools.",
            toolCalls: [
              { name: "ev__echo", input: { message: "hello mcp" } },
              { name: "ev__get-sum", input: { a: 20, b: 22 } },
              { name: "ev__get-tiny-image", input: {} },
              { name: "fs__write_file", input: { path: target, content: "x" } },
              { name: "slow__anything", input: {} },
            ],
          },
          { text: "All done." },
        ],
      }),
    });
    const before = upstream.requests.length;
    const r = await loom(sb, ["run", "--json", "--model", "claude-sonnet-4-6", "use the MCP tools"], {
      env: { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "k" },
    });
    const events = jsonLines(r.stdout);
    const results = Object.fromEntries(
      events.filter((e) => e.type === "tool.completed").map((e) => [e.name as string, e.output as string]),
    );
    expect(results["ev__echo"]).toBe("Echo: hello mcp");
    expect(results["ev__get-sum"]).toContain("42");
    // Ask mode without a terminal: the mutating MCP tool is refused, and nothing is written.
    expect(results["fs__write_file"]).toStartWith("PERMISSION_DENIED: fs__write_file changes the workspace");
    expect(existsSync(target)).toBe(false);
    expect(results["slow__anything"]).toStartWith('TOOL_NOT_FOUND: no tool named "slow__anything"');
    const notices = events.filter((e) => e.type === "notice").map((e) => e.message);
    expect(notices).toContain(
      "MCP server slow not available: TOOL_TIMEOUT: MCP server slow did not answer within 500 ms",
    );
    expect(notices.join("\n")).not.toContain("stuck");
    // The model saw the results, and the tools with their schemas from the second request on.
    const second = upstream.requests.slice(before)[1]!.body as {
      tools: Array<{ name: string; input_schema: unknown }>;
    };
    expect(JSON.stringify(second)).toContain("Echo: hello mcp");
    // The image the server returned reaches the model as an image block of the tool result.
    const blocks = (second as unknown as { messages: Array<{ content: unknown }> }).messages.flatMap((m) =>
      Array.isArray(m.content) ? (m.content as Array<{ type: string; content?: unknown }>) : [],
    );
    const imageResult = blocks.find(
      (b) => b.type === "tool_result" && JSON.stringify(b.content).includes('"type":"image"'),
    ) as { content: Array<{ type: string; source?: { media_type: string; data: string } }> } | undefined;
    const image = imageResult?.content.find((c) => c.type === "image");
    expect(image?.source?.media_type).toBe("image/png");
    expect(
      Buffer.from(image?.source?.data ?? "", "base64")
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
    expect(second.tools.find((t) => t.name === "ev__echo")?.input_schema).toMatchObject({
      properties: { message: { type: "string" } },
    });
    expect(r.code).toBe(3);
    expect(events.at(-1)).toMatchObject({ type: "final", reason: "end_turn" });
  } finally {
    sb.cleanup();
  }
});

test("loom run --permission-mode auto: the filesystem server's write_file writes the file", async () => {
  const sb = createSandbox({ "README.md": "hello\n" });
  try {
    userConfig(sb.root, sb.workspace);
    const target = join(sb.workspace, "from-mcp.txt");
    await fetch(`${upstream.url}/_fake/script`, {
      method: "POST",
      body: JSON.stringify({
        turns: [
          { toolCalls: [{ name: "fs__write_file", input: { path: target, content: "written by MCP\n" } }] },
          { text: "Wrote it." },
        ],
      }),
    });
    const r = await loom(
      sb,
      ["run", "--permission-mode", "auto", "--model", "claude-sonnet-4-6", "write the file"],
      { env: { ANTHROPIC_BASE_URL: upstream.url, ANTHROPIC_API_KEY: "k" } },
    );
    expect(r.stderr).not.toContain("PERMISSION_DENIED");
    expect(r.code).toBe(0);
    expect(await Bun.file(target).text()).toBe("written by MCP\n");
  } finally {
    sb.cleanup();
  }
});
