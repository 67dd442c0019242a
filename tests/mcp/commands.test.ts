/** `loom mcp add|list|test|remove`, run as the real command against the user's config file. */
import { expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox, loom } from "../cli/_harness.ts";
import { EVERYTHING } from "./_servers.ts";

test("add a stdio server, list it, test it (tools and timings), remove it; comments in the file survive", async () => {
  const sb = createSandbox({ "README.md": "x\n" });
  try {
    const file = join(sb.root, "config", "loom", "config.toml");
    const add = await loom(sb, [
      "mcp",
      "add",
      "ev",
      "--env",
      `TOKEN=\${MY_TOKEN}`,
      "--",
      process.execPath,
      EVERYTHING,
      "stdio",
    ]);
    expect(add.stderr).toBe("");
    expect(add.stdout).toBe(`added MCP server ev to ${file}; check it: loom mcp test ev\n`);
    writeFileSync(file, `# my settings\n[agent]\nmax_steps = 50\n\n${readFileSync(file, "utf8")}`);
    await loom(sb, [
      "mcp",
      "add",
      "other",
      "--url",
      "http://127.0.0.1:9/mcp",
      "--header",
      "Authorization=Bearer lit3ral",
    ]);

    const list = await loom(sb, ["mcp", "list", "--json"], { env: { MY_TOKEN: "s3cret" } });
    const rows = JSON.parse(list.stdout).servers;
    expect(rows.map((r: { name: string; transport: string }) => [r.name, r.transport])).toEqual([
      ["ev", "stdio"],
      ["other", "http"],
    ]);
    expect(rows[0].envKeys).toEqual(["TOKEN"]);
    expect(rows[1].headerKeys).toEqual(["Authorization"]);
    expect(list.stdout).not.toContain("s3cret");
    expect(list.stdout).not.toContain("lit3ral");
    const plain = await loom(sb, ["mcp", "list"], { env: { MY_TOKEN: "s3cret" } });
    expect(plain.stdout).toBe(
      `ev  stdio  ${process.execPath} ${EVERYTHING} stdio\nother  http  http://127.0.0.1:9/mcp\n`,
    );

    // loom tools list starts the servers and lists their tools beside the built-ins; a server
    // that cannot be reached is one warning line.
    const tools = await loom(sb, ["tools", "list", "--json"], { env: { MY_TOKEN: "s3cret" } });
    const toolRows = JSON.parse(tools.stdout).tools as Array<Record<string, unknown>>;
    expect(toolRows.find((r) => r.name === "read_file")).toBeDefined();
    expect(toolRows.find((r) => r.name === "ev__echo")).toMatchObject({
      plugin: "mcp:ev",
      server: "ev",
      mutating: false,
    });
    expect(toolRows.find((r) => r.name === "ev__toggle-simulated-logging")?.mutating).toBe(true);
    expect(tools.stderr).toStartWith("loom: MCP server other not available: ");
    expect(tools.stderr.trim().split("\n")).toHaveLength(1);
    const table = await loom(sb, ["tools", "list", "--no-mcp"], { env: { MY_TOKEN: "s3cret" } });
    expect(table.stdout).toContain("read_file");
    expect(table.stdout).not.toContain("ev__echo");
    expect(table.stderr).toBe("");

    const t = await loom(sb, ["mcp", "test", "ev"], { env: { MY_TOKEN: "s3cret" } });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(
      /^ev: ready in \d+ ms \(connect and list tools\); tools\/list \d+ ms; \d+ tools\n/,
    );
    expect(t.stdout).toContain("  ev__echo  (read-only)\n");
    // Without the variable the env reference names it, and the test fails with one line.
    const missing = await loom(sb, ["mcp", "test", "ev"]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe(
      `ev: failed: CONFIG_INVALID: mcp.servers.ev.env TOKEN names \${MY_TOKEN}, which is not set\n`,
    );

    const dup = await loom(sb, ["mcp", "add", "ev", "--url", "http://x"]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toContain('already has MCP server "ev"');

    const rm = await loom(sb, ["mcp", "remove", "ev"]);
    expect(rm.stdout).toBe(`removed MCP server ev from ${file}\n`);
    const text = readFileSync(file, "utf8");
    expect(text).toStartWith("# my settings\n[agent]\nmax_steps = 50\n");
    expect(text).not.toContain("mcp.servers.ev");
    expect(text).toContain("[mcp.servers.other]");
    const again = await loom(sb, ["mcp", "remove", "ev"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toBe(`loom: NOT_FOUND: no MCP server "ev" in ${file}\n`);
  } finally {
    sb.cleanup();
  }
});

test("bad input is one line and a non-zero exit", async () => {
  const sb = createSandbox({ "README.md": "x\n" });
  try {
    const neither = await loom(sb, ["mcp", "add", "x"]);
    expect(neither.code).not.toBe(0);
    expect(neither.stderr.trim().split("\n")).toHaveLength(1);
    expect(neither.stderr).toContain("give a command");
    const badName = await loom(sb, ["mcp", "add", "a.b", "--url", "http://x"]);
    expect(badName.stderr).toContain('server name "a.b"');
    const badUrl = await loom(sb, ["mcp", "add", "web", "--url", "notaurl"]);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toBe(
      "loom: INVALID_INPUT: --url must be an http:// or https:// URL, got notaurl\n",
    );
    expect((await loom(sb, ["mcp", "list"])).stdout).not.toContain("notaurl");
    const unknown = await loom(sb, ["mcp", "test", "nope"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toBe('loom: NOT_FOUND: no MCP server "nope" configured (configured: none)\n');
    const down = await loom(sb, ["mcp", "add", "down", "--url", "http://127.0.0.1:9/mcp"]);
    expect(down.code).toBe(0);
    const failed = await loom(sb, ["mcp", "test", "down"]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toStartWith("down: failed: TOOL_FAILED: streamable HTTP: ");
  } finally {
    sb.cleanup();
  }
});
