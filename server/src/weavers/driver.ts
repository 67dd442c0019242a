/**
 * The weaver provisioner contract. A driver is the source of truth for which weavers exist: the
 * server keeps no weaver table, so after a restart `list()` rediscovers what is running. Two
 * drivers implement it: `local` (a sandboxed process tree on the server's machine, the default)
 * and `kubernetes` (a pod per weaver in namespace `loom-weavers`).
 * @example
 * const w = await driver.create({ id: newWeaverId(), owner: { userId, orgId }, repo, branch, ttlMs, env });
 * for await (const l of driver.logs(w.id, { follow: true, tail: 100, signal })) console.log(l.line);
 */

/** `weaver-<uuid7>`. */
export type WeaverId = string;

export type WeaverStatus = "pending" | "running" | "succeeded" | "failed" | "terminating";

export interface WeaverOwner {
  userId: string;
  /** The org the weaver is billed to / visible in, when any. */
  orgId?: string;
}

export interface WeaverResources {
  /** Kubernetes quantity, e.g. "16Gi" (local: a cgroup memory limit where the machine offers one). */
  memory?: string;
  /** Kubernetes quantity, e.g. "2" or "500m". */
  cpu?: string;
}

export interface WeaverSpec {
  id: WeaverId;
  owner: WeaverOwner;
  /** Any git URL the driver can reach (`file://` and plain paths for the local driver). */
  repo: string;
  branch?: string;
  /** Time to live from creation, 4 h by default, 48 h at most (checked by the routes). */
  ttlMs: number;
  /** A task runs `loom run` headless to completion; without one the REPL runs in a terminal. */
  task?: string;
  resources?: WeaverResources;
  /** Extra environment; the routes add LOOM_SERVER_URL and the weaver's short-lived token. */
  env?: Record<string, string>;
}

export interface WeaverInfo {
  id: WeaverId;
  owner: WeaverOwner;
  repo: string;
  branch?: string;
  task?: string;
  status: WeaverStatus;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601: createdAt + ttl. */
  expiresAt: string;
  /** Why it failed or exited, one line. */
  reason?: string;
  exitCode?: number;
  /** Its `resources` as applied, one line: `memory 64Mi, cpu 500m (cgroup v1)`, or `not applied: <why>`. */
  limits?: string;
}

export interface LogLine {
  line: string;
  /** ISO 8601. */
  timestamp: string;
}

export interface LogOptions {
  follow?: boolean;
  /** Last N lines first (default all). */
  tail?: number;
  signal?: AbortSignal;
}

/** A live connection to a weaver's terminal (the REPL's pseudo-terminal). */
export interface AttachSession {
  /** Bytes typed by the user. */
  write(data: Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** Terminal output; ends when the weaver's terminal closes or `close()` is called. */
  output: AsyncIterable<Uint8Array>;
  /** Detach (the weaver keeps running). */
  close(): void;
}

export interface WeaverDriver {
  readonly name: "local" | "kubernetes";
  /** Starts the weaver and returns once it is created (status pending or running). */
  create(spec: WeaverSpec): Promise<WeaverInfo>;
  get(id: WeaverId): Promise<WeaverInfo | undefined>;
  /** Every weaver the driver manages (rediscovered from the process table / the API). */
  list(): Promise<WeaverInfo[]>;
  /** Stops and removes it; deleting an unknown id resolves to false. */
  delete(id: WeaverId): Promise<boolean>;
  logs(id: WeaverId, options?: LogOptions): AsyncIterable<LogLine>;
  attach(id: WeaverId, size?: { cols: number; rows: number }): Promise<AttachSession>;
  /**
   * Records, with the weaver itself, that its end was reported (`weaver.exited`): true the first
   * time for a weaver, false ever after — also for a restarted server or another replica.
   */
  claimExit(id: WeaverId): Promise<boolean>;
  /** Resolves when the weaver is ready (running and its workspace cloned) or rejects with the reason. */
  waitReady(id: WeaverId, timeoutMs: number): Promise<WeaverInfo>;
  close(): Promise<void>;
}
