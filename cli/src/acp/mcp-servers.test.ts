import { expect, test } from "bun:test";
import { acpMcpServers } from "./mcp-servers.ts";

test("ACP mcpServers become Loom server entries: stdio, http, sse; names made safe and unique", () => {
  expect(
    acpMcpServers([
      { name: "my server", command: "node", args: ["s.js"], env: [{ name: "K", value: "v" }] },
      {
        type: "http",
        name: "my server",
        url: "https://h/mcp",
        headers: [{ name: "Authorization", value: "B" }],
      },
      { type: "sse", name: "old", url: "https://h/sse", headers: [] },
    ]),
  ).toEqual({
    my_server: { command: "node", args: ["s.js"], env: { K: "v" } },
    my_server2: { url: "https://h/mcp", headers: { Authorization: "B" }, transport: "streamable-http" },
    old: { url: "https://h/sse", headers: {}, transport: "sse" },
  });
  expect(acpMcpServers(undefined)).toEqual({});
});
