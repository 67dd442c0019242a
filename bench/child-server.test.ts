import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startChildServer } from "./child-server.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-child-server-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the child server answers on the URL it printed, and stop ends its process", async () => {
  const server = await startChildServer({ dbPath: join(dir, "server.db") });
  const res = await fetch(`${server.url}/health`);
  expect(res.status).toBe(200);
  await server.stop();
  expect(() => process.kill(server.pid, 0)).toThrow();
});
