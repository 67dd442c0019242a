/**
 * A weaver's log through `pods/log` (follow, tailLines, timestamps=true): each line arrives as
 * `<RFC 3339 time> <text>` and becomes a LogLine.
 */

import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { type KubeConfig, Log } from "@kubernetes/client-node";
import { LoomError, type LoomErrorCode } from "@loom/runtime/errors";
import type { LogLine, LogOptions } from "../driver.ts";
import { kubernetesError, statusOf } from "./api-error.ts";
import { MAIN_CONTAINER } from "./pod-spec.ts";

const LOG_REFUSALS: Record<number, { code: LoomErrorCode; message: string }> = {
  400: { code: "CONFLICT", message: "its container is not running" },
  403: { code: "PERMISSION_DENIED", message: "forbidden: the server's Role needs get on pods/log" },
  404: { code: "NOT_FOUND", message: "no such pod" },
};

/** `2026-12-03T14:00:00.123456789Z text` → its time and text; a line without a time keeps all of it. */
export function parseLogLine(raw: string, now: Date): LogLine {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? raw.slice(0, space) : raw;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(stamp) ? Date.parse(stamp) : Number.NaN;
  if (Number.isNaN(time)) return { line: raw, timestamp: now.toISOString() };
  return { line: space > 0 ? raw.slice(space + 1) : "", timestamp: new Date(time).toISOString() };
}

export async function* podLogs(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: LogOptions,
): AsyncGenerator<LogLine> {
  const sink = new PassThrough();
  // The client skips tailLines: 0 (falsy); "nothing old" is asked as "since now" instead.
  const since = options.tail === 0 ? { sinceTime: new Date().toISOString() } : {};
  const tail = options.tail !== undefined && options.tail > 0 ? { tailLines: options.tail } : {};
  // The client pipes the response into the sink without watching it for errors (an abort is one):
  // the sink listens to its source itself, and ends with it.
  sink.on("pipe", (source) => source.on("error", () => sink.end()));
  let controller: AbortController;
  try {
    controller = await new Log(kubeConfig).log(namespace, name, MAIN_CONTAINER, sink, {
      follow: options.follow === true,
      timestamps: true,
      ...tail,
      ...since,
    });
  } catch (e) {
    // The client drops the Status body of a refused log request: say what its code means here.
    const hint = LOG_REFUSALS[statusOf(e) ?? 0];
    throw hint
      ? new LoomError(hint.code, `Kubernetes API: read the log of ${name}: ${hint.message} (${statusOf(e)})`)
      : kubernetesError(e, `read the log of ${name}`);
  }
  const stop = () => {
    controller.abort();
    sink.end();
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    for await (const raw of createInterface({ input: sink, crlfDelay: Number.POSITIVE_INFINITY })) {
      yield parseLogLine(raw, new Date());
    }
  } finally {
    options.signal?.removeEventListener("abort", stop);
    stop();
  }
}
