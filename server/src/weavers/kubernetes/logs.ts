/**
 * A weaver's log through `pods/log` (follow, tailLines, timestamps=true): each line arrives as
 * `<RFC 3339 time> <text>` and becomes a LogLine. The request is made here, authenticated by the
 * client's KubeConfig and sent with the client's own HTTP stack (undici and the dispatcher that
 * carries the cluster's CA and client certificates), because the client's `Log` takes no abort
 * signal until the response starts and drops the Status body of a refusal.
 */
import { HttpMethod, type KubeConfig, RequestContext } from "@kubernetes/client-node";
import { fetch } from "undici";
import type { LogLine, LogOptions } from "../driver.ts";
import { kubernetesError } from "./api-error.ts";
import { MAIN_CONTAINER } from "./pod-spec.ts";

/** `2026-12-03T14:00:00.123456789Z text` → its time and text; a line without a time keeps all of it. */
export function parseLogLine(raw: string, now: Date): LogLine {
  const space = raw.indexOf(" ");
  const stamp = space > 0 ? raw.slice(0, space) : raw;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(stamp) ? Date.parse(stamp) : Number.NaN;
  if (Number.isNaN(time)) return { line: raw, timestamp: now.toISOString() };
  return { line: space > 0 ? raw.slice(space + 1) : "", timestamp: new Date(time).toISOString() };
}

function logUrl(server: string, namespace: string, name: string, options: LogOptions): URL {
  const url = new URL(`${server}/api/v1/namespaces/${namespace}/pods/${name}/log`);
  url.searchParams.set("container", MAIN_CONTAINER);
  url.searchParams.set("timestamps", "true");
  if (options.follow) url.searchParams.set("follow", "true");
  if (options.tail !== undefined) url.searchParams.set("tailLines", String(options.tail));
  return url;
}

export async function* podLogs(
  kubeConfig: KubeConfig,
  namespace: string,
  name: string,
  options: LogOptions,
): AsyncGenerator<LogLine> {
  const server = kubeConfig.getCurrentCluster()?.server ?? "";
  const url = logUrl(server, namespace, name, options);
  const doing = `read the log of ${name}`;
  const ctx = new RequestContext(url.toString(), HttpMethod.GET);
  // undici's web stream (Node's): async-iterable and cancellable; its type is not Bun's ReadableStream.
  let body: AsyncIterable<Uint8Array> & { cancel(): Promise<void> };
  try {
    await kubeConfig.applySecurityAuthentication(ctx);
    const res = await fetch(url, {
      headers: ctx.getHeaders(),
      dispatcher: ctx.getDispatcher(),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (res.status !== 200) throw { code: res.status, body: await res.text() };
    if (!res.body) return;
    body = res.body as unknown as typeof body;
  } catch (e) {
    if (options.signal?.aborted) return;
    throw kubernetesError(e, doing, server);
  }
  let rest = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) {
      const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
      rest = lines.pop() ?? "";
      for (const raw of lines) yield parseLogLine(raw.replace(/\r$/, ""), new Date());
    }
    if (rest) yield parseLogLine(rest, new Date());
  } catch (e) {
    if (!options.signal?.aborted) throw kubernetesError(e, doing, server);
  } finally {
    await body.cancel().catch(() => {});
  }
}
