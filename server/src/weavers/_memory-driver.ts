/**
 * An in-memory `WeaverDriver` for route tests (policy, limits, tokens): weavers are records that are
 * running at once, their log is what `create` wrote, and attaching echoes what is typed. The real
 * drivers have their own end-to-end tests.
 */
import { LoomError } from "@loom/runtime/errors";
import type { AttachSession, WeaverDriver, WeaverInfo, WeaverSpec } from "./driver.ts";

export function memoryDriver(clock: () => Date = () => new Date()) {
  const weavers = new Map<string, WeaverInfo>();
  const claimed = new Set<string>();
  const specs = new Map<string, WeaverSpec>();
  const driver: WeaverDriver & {
    specs: Map<string, WeaverSpec>;
    set(id: string, patch: Partial<WeaverInfo>): void;
  } = {
    name: "local",
    specs,
    set(id, patch) {
      const w = weavers.get(id);
      if (w) weavers.set(id, { ...w, ...patch });
    },
    async create(spec) {
      const now = clock();
      const info: WeaverInfo = {
        id: spec.id,
        owner: spec.owner,
        repo: spec.repo,
        ...(spec.branch ? { branch: spec.branch } : {}),
        ...(spec.task ? { task: spec.task } : {}),
        status: "running",
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + spec.ttlMs).toISOString(),
      };
      weavers.set(spec.id, info);
      specs.set(spec.id, spec);
      return info;
    },
    async get(id) {
      return weavers.get(id);
    },
    async list() {
      return [...weavers.values()];
    },
    async claimExit(id) {
      if (!weavers.has(id) || claimed.has(id)) return false;
      claimed.add(id);
      return true;
    },
    async delete(id) {
      specs.delete(id);
      return weavers.delete(id);
    },
    async *logs(id, o = {}) {
      if (!weavers.has(id)) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
      const lines = [`cloning ${weavers.get(id)?.repo}`, "ready"].map((line) => ({
        line,
        timestamp: clock().toISOString(),
      }));
      yield* o.tail === undefined ? lines : lines.slice(-o.tail);
    },
    async attach(id): Promise<AttachSession> {
      if (!weavers.has(id)) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
      const queue: Uint8Array[] = [];
      let wake = () => {};
      let closed = false;
      return {
        write(d) {
          queue.push(d);
          wake();
        },
        resize() {},
        output: {
          async *[Symbol.asyncIterator]() {
            while (!closed) {
              const d = queue.shift();
              if (d) yield d;
              else await new Promise<void>((r) => (wake = r));
            }
          },
        },
        close() {
          closed = true;
          wake();
        },
      };
    },
    async waitReady(id) {
      const w = weavers.get(id);
      if (!w) throw new LoomError("NOT_FOUND", `weaver ${id} not found`);
      return w;
    },
    async close() {},
  };
  return driver;
}
