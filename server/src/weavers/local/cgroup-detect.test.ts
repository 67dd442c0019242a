/**
 * Where the weavers' cgroups go, from `/proc/self/mountinfo` and `/proc/self/cgroup` texts over
 * folders standing in for the mounts (this machine has cgroup v1 only, so the v2 layout — which
 * cgroup-limits.test.ts runs for real where a machine offers it — is checked here on its files).
 */
import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectCgroups, parseProcCgroup } from "./cgroup-detect.ts";
import { createWeaverGroups, joinArgv } from "./cgroup-group.ts";

const root = mkdtempSync(join(tmpdir(), "loom-cgroup-detect-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = (p: string, files: Record<string, string> = {}) => {
  const d = join(root, p);
  mkdirSync(d, { recursive: true });
  for (const [f, v] of Object.entries(files)) writeFileSync(join(d, f), v);
  return d;
};
const mount = (id: number, point: string, fstype: string, options: string, mountRoot = "/") =>
  `${id} 31 0:${id} ${mountRoot} ${point} rw,relatime - ${fstype} cgroup ${options}`;

test("cgroup v2 with memory and cpu controllers: groups under loom-weavers at its root", () => {
  const v2 = dir("v2", { "cgroup.controllers": "cpuset cpu io memory pids\n" });
  const d = detectCgroups({
    mountinfo: mount(41, v2, "cgroup2", "rw"),
    procCgroup: "0::/system.slice/loom.service\n",
  });
  expect(d).toEqual({
    ok: true,
    host: { version: 2, memory: join(v2, "loom-weavers"), cpu: join(v2, "loom-weavers") },
  });
});

test("v2 without memory or cpu (only hugetlb) falls back to v1, under the server's own group in each hierarchy", () => {
  const v2 = dir("hybrid/unified", { "cgroup.controllers": "hugetlb\n" });
  const mem = dir("hybrid/memory/process_api/abc");
  const cpu = dir("hybrid/cpu");
  const mountinfo = [
    mount(32, cpu, "cgroup", "rw,cpu,cpuacct"),
    mount(35, join(root, "hybrid/memory"), "cgroup", "rw,memory"),
    mount(41, v2, "cgroup2", "rw"),
  ].join("\n");
  const d = detectCgroups({ mountinfo, procCgroup: "4:memory:/process_api/abc\n2:cpu,cpuacct:/\n0::/\n" });
  expect(d).toEqual({
    ok: true,
    host: { version: 1, memory: join(mem, "loom-weavers"), cpu: join(cpu, "loom-weavers") },
  });
});

test("a container's mount of its own group: the path is taken relative to the mount's root", () => {
  const mem = dir("container/memory");
  const d = detectCgroups({
    mountinfo: mount(35, mem, "cgroup", "rw,memory", "/docker/123"),
    procCgroup: "4:memory:/docker/123\n",
  });
  expect(d).toEqual({
    ok: true,
    host: { version: 1, memory: join(mem, "loom-weavers"), missing: "no cgroup v1 cpu hierarchy" },
  });
});

test("no usable hierarchy, or cgroup = none: one line saying why", () => {
  const v2 = dir("bare", { "cgroup.controllers": "hugetlb\n" });
  expect(detectCgroups({ mountinfo: mount(41, v2, "cgroup2", "rw"), procCgroup: "0::/\n" })).toEqual({
    ok: false,
    reason: `cgroup v2 at ${v2} offers no memory or cpu controller (hugetlb); no cgroup v1 memory hierarchy; no cgroup v1 cpu hierarchy`,
  });
  expect(detectCgroups({ configured: "none" })).toEqual({
    ok: false,
    reason: '[weavers.local] cgroup = "none"',
  });
  expect(detectCgroups({ configured: "/srv/x", mountinfo: "", procCgroup: "" })).toEqual({
    ok: false,
    reason: "[weavers.local] cgroup = /srv/x is not in a mounted cgroup hierarchy",
  });
});

test("a configured v1 folder is used in both the memory and the cpu hierarchy", () => {
  const mem = dir("conf/memory");
  const cpu = dir("conf/cpu");
  const mountinfo = [mount(32, cpu, "cgroup", "rw,cpu"), mount(35, mem, "cgroup", "rw,memory")].join("\n");
  expect(detectCgroups({ configured: join(mem, "loom"), mountinfo, procCgroup: "" })).toEqual({
    ok: true,
    host: { version: 1, memory: join(mem, "loom"), cpu: join(cpu, "loom") },
  });
});

test("v2 files of a weaver's group: controllers enabled down to it, memory.max, swap off, cpu.max; one group joined", () => {
  const v2 = dir("files", { "cgroup.controllers": "cpu memory\n" });
  const parent = join(v2, "loom-weavers");
  dir("files/loom-weavers/weaver-x", { "memory.swap.max": "max\n" });
  const made = createWeaverGroups({ version: 2, memory: parent, cpu: parent }, "weaver-x", {
    memory: "64Mi",
    cpu: "1.5",
  });
  const g = join(parent, "weaver-x");
  expect(made).toEqual({ applied: ["memory 64Mi", "cpu 1.5"], groups: { version: 2, dirs: [g], memory: g } });
  expect(readFileSync(join(g, "memory.max"), "utf8")).toBe(String(64 * 2 ** 20));
  expect(readFileSync(join(g, "memory.swap.max"), "utf8")).toBe("0");
  expect(readFileSync(join(g, "cpu.max"), "utf8")).toBe("150000 100000");
  expect(readFileSync(join(parent, "cgroup.subtree_control"), "utf8")).toBe("+cpu");
  const argv = joinArgv(made.groups as NonNullable<typeof made.groups>, ["bwrap", "--"]);
  expect(argv.slice(3)).toEqual(["sh", "1", join(g, "cgroup.procs"), "bwrap", "--"]);
});

test("/proc/self/cgroup: v1 controllers (comma-joined) and the v2 line", () => {
  const m = parseProcCgroup("4:memory:/a\n2:cpu,cpuacct:/b\n0::/c\n");
  expect([m.get("memory"), m.get("cpu"), m.get("cpuacct"), m.get("")]).toEqual(["/a", "/b", "/b", "/c"]);
});
