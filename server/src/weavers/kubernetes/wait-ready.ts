/**
 * Waits for a weaver's pod to be ready by watching it (`?watch=true&fieldSelector=metadata.name=…`
 * from the resourceVersion just read), not by polling. A watch the server closes or ends with an
 * ERROR event (410 Gone) is resumed from a fresh read, until the deadline.
 */
import { type KubeConfig, type V1Pod, Watch } from "@kubernetes/client-node";
import { LoomError } from "@loom/runtime/errors";
import { kubernetesError } from "./api-error.ts";
import { type Readiness, readiness } from "./pod-status.ts";

export interface WaitContext {
  kubeConfig: KubeConfig;
  namespace: string;
  /** Reads the pod (undefined when it is gone). */
  read(name: string): Promise<V1Pod | undefined>;
}

/** What ended the wait: the pod became ready or failed, or the deadline passed while it still waited. */
export type WaitOutcome = { pod: V1Pod; readiness: Readiness; timedOut: boolean };

/** Watches resumed at most this often per wait: a server that closes every watch at once cannot spin us. */
const MAX_WATCHES = 50;

type WatchEnd =
  | { kind: "settled"; pod: V1Pod }
  | { kind: "deleted" }
  | { kind: "resume" }
  | { kind: "deadline" };

function watchOnce(ctx: WaitContext, pod: V1Pod, deadline: number, signal: AbortSignal): Promise<WatchEnd> {
  const name = pod.metadata?.name ?? "";
  return new Promise<WatchEnd>((resolve, reject) => {
    let controller: AbortController | undefined;
    let finished = false;
    const finish = (end: WatchEnd | Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      controller?.abort();
      if (end instanceof Error) reject(end);
      else resolve(end);
    };
    const onAbort = () => finish(new LoomError("INTERNAL", "the Kubernetes driver was closed"));
    const timer = setTimeout(() => finish({ kind: "deadline" }), Math.max(0, deadline - Date.now()));
    signal.addEventListener("abort", onAbort, { once: true });
    const query = {
      fieldSelector: `metadata.name=${name}`,
      resourceVersion: pod.metadata?.resourceVersion,
      allowWatchBookmarks: true,
    };
    new Watch(ctx.kubeConfig)
      .watch(
        `/api/v1/namespaces/${ctx.namespace}/pods`,
        query,
        (type, object: V1Pod) => {
          if (type === "DELETED") finish({ kind: "deleted" });
          else if (type === "ERROR") finish({ kind: "resume" });
          else if ((type === "ADDED" || type === "MODIFIED") && readiness(object).state !== "waiting")
            finish({ kind: "settled", pod: object });
        },
        (err) => {
          // Ended by the server, expired (410 Gone), or idle past the client's 30 s: watch again.
          const e = err as { statusCode?: number; name?: string } | null;
          if (!e || e.statusCode === 410 || e.name === "TimeoutError") finish({ kind: "resume" });
          else finish(kubernetesError(err, `watch pod ${name}`));
        },
      )
      .then(
        (c) => {
          controller = c;
          if (finished) c.abort();
        },
        (e) => finish(kubernetesError(e, `watch pod ${name}`)),
      );
  });
}

export async function waitForPod(
  ctx: WaitContext,
  name: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<WaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (let watches = 0; ; watches++) {
    const pod = await ctx.read(name);
    if (!pod) throw new LoomError("NOT_FOUND", `no weaver ${name}`);
    const now = readiness(pod);
    if (now.state !== "waiting") return { pod, readiness: now, timedOut: false };
    if (Date.now() >= deadline || watches >= MAX_WATCHES) return { pod, readiness: now, timedOut: true };
    const end = await watchOnce(ctx, pod, deadline, signal);
    if (end.kind === "settled") return { pod: end.pod, readiness: readiness(end.pod), timedOut: false };
    if (end.kind === "deleted")
      throw new LoomError("WEAVER_FAILED", `weaver ${name} was deleted while starting`);
    // "deadline" reads once more (a last change may have landed), then reports; "resume" watches again.
  }
}
