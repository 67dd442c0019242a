/**
 * The host's channel itself: large frames both ways over the Unix socket, the socket's private
 * directory gone once the child is connected, and a child that exits when its parent dies.
 * (Hostile-plugin behaviour is in tests/plugins/hostile.test.ts.)
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_LIMITS } from "./manifest.ts";
import { NO_PERMISSIONS } from "./permissions.ts";
import { createWasmHost } from "./wasm-host.ts";

const HOSTILE = join(import.meta.dir, "../../../tests/plugins/hostile/hostile.wasm");
const wasm = new Uint8Array(readFileSync(HOSTILE));
const realTmp = process.env.TMPDIR;
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), "loom-host-test-"));
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (realTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = realTmp;
  rmSync(tmp, { recursive: true, force: true });
});

test("a large non-ASCII input and output cross the socket whole; the socket dir is removed", async () => {
  const host = createWasmHost({
    plugin: "hostile",
    wasm,
    root: tmp,
    permissions: async () => NO_PERMISSIONS,
    limits: { ...DEFAULT_LIMITS, maxOutputBytes: 4 * 1024 * 1024 },
    isolation: "process",
  });
  try {
    const input = JSON.stringify({ text: "é✓ line\n".repeat(100_000) });
    expect(await host.call("echo", input)).toBe(input);
    expect(await host.call("echo", "{}")).toBe("{}");
    expect(readdirSync(tmp)).toEqual([]);
  } finally {
    host.close();
  }
});

test("a socket path longer than sun_path (108 bytes, from a long TMPDIR) works: Bun binds it", async () => {
  const long = join(tmp, "d".repeat(120));
  mkdirSync(long);
  process.env.TMPDIR = long;
  const host = createWasmHost({
    plugin: "hostile",
    wasm,
    root: tmp,
    permissions: async () => NO_PERMISSIONS,
    limits: DEFAULT_LIMITS,
    isolation: "process",
  });
  try {
    expect(await host.call("echo", '{"long":true}')).toBe('{"long":true}');
  } finally {
    host.close();
  }
});

test("the child exits when its parent is killed", async () => {
  const script = join(tmp, "parent.ts");
  await Bun.write(
    script,
    `import { createWasmHost } from ${JSON.stringify(join(import.meta.dir, "wasm-host.ts"))};
import { DEFAULT_LIMITS } from ${JSON.stringify(join(import.meta.dir, "manifest.ts"))};
import { NO_PERMISSIONS } from ${JSON.stringify(join(import.meta.dir, "permissions.ts"))};
import { readdirSync, readFileSync } from "node:fs";
const host = createWasmHost({ plugin: "p", wasm: new Uint8Array(readFileSync(${JSON.stringify(HOSTILE)})),
  root: ${JSON.stringify(tmp)}, permissions: async () => NO_PERMISSIONS, limits: DEFAULT_LIMITS, isolation: "process" });
await host.call("echo", "{}");
const kids = readdirSync("/proc").filter((p) => /^\\d+$/.test(p)).filter((p) => {
  try { return readFileSync("/proc/" + p + "/stat", "utf8").split(") ")[1]?.split(" ")[1] === String(process.pid); }
  catch { return false; }
});
console.log(kids.join(","));
setInterval(() => {}, 1000);
`,
  );
  const parent = Bun.spawn({ cmd: [process.execPath, script], stdout: "pipe", stderr: "inherit" });
  const reader = parent.stdout.getReader();
  let line = "";
  while (!line.includes("\n")) {
    const { done, value } = await reader.read();
    if (done) break;
    line += new TextDecoder().decode(value);
  }
  const kids = line.trim().split(",").filter(Boolean);
  parent.kill(9);
  expect(kids.length).toBe(1);
  await parent.exited;
  const gone = () =>
    kids.every(
      (pid) => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "),
    );
  for (let i = 0; i < 100 && !gone(); i++) await Bun.sleep(20);
  expect(gone()).toBe(true);
});
