/**
 * Where a local weaver's memory and CPU limits can go on this machine: a cgroup v2 hierarchy whose
 * root offers the `memory` (and `cpu`) controllers, else the cgroup v1 `memory` and `cpu`
 * hierarchies — each only when this process may write there. Read from `/proc/self/mountinfo` and
 * `/proc/self/cgroup`, never from fixed paths. The weavers' groups go in a `loom-weavers` folder: at
 * the v2 hierarchy's root (a non-root v2 group that holds processes cannot hand controllers to
 * children), under the server's own group in each v1 hierarchy (so a limit on the server — a
 * container, a slice — still bounds its weavers); or under `[weavers.local] cgroup` when set.
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The folders the weavers' groups are made in, per controller (the same folder on v2). */
export interface CgroupHost {
  version: 1 | 2;
  memory?: string;
  cpu?: string;
  /** Why a controller is missing, when one is. */
  missing?: string;
}

export type CgroupDetection = { ok: true; host: CgroupHost } | { ok: false; reason: string };

interface CgroupMount {
  point: string;
  /** The hierarchy's folder mounted there (`/` unless a container mounts its own group). */
  root: string;
  v2: boolean;
  /** v1: the controllers of the hierarchy (`memory`, `cpu`, `cpuacct`, …). */
  controllers: string[];
}

export const WEAVERS_FOLDER = "loom-weavers";

export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const mounts: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    const f = left.split(" ");
    const [fstype, , options] = right.split(" ");
    if (fstype !== "cgroup" && fstype !== "cgroup2") continue;
    const unoctal = (s: string) =>
      s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
    mounts.push({
      point: unoctal(f[4] ?? ""),
      root: unoctal(f[3] ?? "/"),
      v2: fstype === "cgroup2",
      controllers: fstype === "cgroup" ? (options ?? "").split(",") : [],
    });
  }
  return mounts;
}

/** `/proc/self/cgroup`: controller (`""` for v2) → the group's path in that hierarchy. */
export function parseProcCgroup(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    for (const c of (match[1] ?? "").split(",")) m.set(c, match[2] ?? "/");
  }
  return m;
}

const writable = (dir: string) => {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
};

const v2Controllers = (dir: string): string[] => {
  try {
    return readFileSync(join(dir, "cgroup.controllers"), "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
};

/** The server's own group in a mounted hierarchy, as a folder (the mount point when it lies outside the mount). */
function ownFolder(mount: CgroupMount, path: string | undefined): string {
  if (!path) return mount.point;
  const root = mount.root === "/" ? "" : mount.root;
  if (root && path !== root && !path.startsWith(`${root}/`)) return mount.point;
  return join(mount.point, path.slice(root.length));
}

export function detectCgroups(o: {
  /** `[weavers.local] cgroup`: a folder path, `"none"`, or absent (detect). */
  configured?: string;
  mountinfo?: string;
  procCgroup?: string;
}): CgroupDetection {
  if (o.configured === "none") return { ok: false, reason: '[weavers.local] cgroup = "none"' };
  const read = (p: string) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return "";
    }
  };
  const mounts = parseCgroupMounts(o.mountinfo ?? read("/proc/self/mountinfo"));
  const own = parseProcCgroup(o.procCgroup ?? read("/proc/self/cgroup"));
  const v2 = mounts.find((m) => m.v2);
  const v1 = (c: string) => mounts.find((m) => !m.v2 && m.controllers.includes(c));
  const uid = process.getuid?.() ?? 0;

  if (o.configured) return configuredHost(o.configured, mounts, v1);

  const notes: string[] = [];
  if (v2) {
    const offered = v2Controllers(v2.point);
    const has = (c: string) => offered.includes(c);
    if ((has("memory") || has("cpu")) && writable(v2.point)) {
      const parent = join(v2.point, WEAVERS_FOLDER);
      return {
        ok: true,
        host: {
          version: 2,
          ...(has("memory") ? { memory: parent } : {}),
          ...(has("cpu") ? { cpu: parent } : {}),
          ...(has("memory") && has("cpu")
            ? {}
            : { missing: `cgroup v2 at ${v2.point} has no ${has("cpu") ? "memory" : "cpu"} controller` }),
        },
      };
    }
    notes.push(
      has("memory") || has("cpu")
        ? `cgroup v2 at ${v2.point} is not writable by uid ${uid}`
        : `cgroup v2 at ${v2.point} offers no memory or cpu controller (${offered.join(" ") || "none"})`,
    );
  }
  const found: { memory?: string; cpu?: string } = {};
  const missing: string[] = [];
  for (const c of ["memory", "cpu"] as const) {
    const m = v1(c);
    if (!m) {
      missing.push(`no cgroup v1 ${c} hierarchy`);
      continue;
    }
    const dir = ownFolder(m, own.get(c));
    if (writable(dir)) found[c] = join(dir, WEAVERS_FOLDER);
    else missing.push(`cgroup v1 ${c} group ${dir} is not writable by uid ${uid}`);
  }
  if (found.memory || found.cpu) {
    return {
      ok: true,
      host: { version: 1, ...found, ...(missing.length ? { missing: missing.join("; ") } : {}) },
    };
  }
  return { ok: false, reason: [...notes, ...missing].join("; ") || "no cgroup hierarchy mounted" };
}

/** `[weavers.local] cgroup = "/sys/fs/cgroup/…"`: a v2 folder, or a folder of a v1 hierarchy whose path is used in both. */
function configuredHost(
  path: string,
  mounts: CgroupMount[],
  v1: (c: string) => CgroupMount | undefined,
): CgroupDetection {
  const mount = mounts
    .filter((m) => path === m.point || path.startsWith(`${m.point}/`))
    .sort((a, b) => b.point.length - a.point.length)[0];
  if (!mount)
    return { ok: false, reason: `[weavers.local] cgroup = ${path} is not in a mounted cgroup hierarchy` };
  if (mount.v2) {
    let probe = path;
    while (!existsSync(probe) && probe !== mount.point) probe = join(probe, "..");
    if (!writable(probe))
      return { ok: false, reason: `${probe} is not writable by uid ${process.getuid?.() ?? 0}` };
    return { ok: true, host: { version: 2, memory: path, cpu: path } };
  }
  const rel = path.slice(mount.point.length);
  const found: { memory?: string; cpu?: string } = {};
  const notes: string[] = [];
  for (const c of ["memory", "cpu"] as const) {
    const m = v1(c);
    if (m) found[c] = join(m.point, rel);
    else notes.push(`no cgroup v1 ${c} hierarchy`);
  }
  if (!found.memory && !found.cpu) return { ok: false, reason: notes.join("; ") };
  return { ok: true, host: { version: 1, ...found, ...(notes.length ? { missing: notes.join("; ") } : {}) } };
}
