/**
 * Wire shapes of the Kubernetes stand-in (tests only): Status errors, label and field selectors,
 * and the attach channel protocol (`v5.channel.k8s.io`, `v4.channel.k8s.io`): each binary frame
 * starts with its channel — 0 stdin, 1 stdout, 2 stderr, 3 the closing Status, 4 resize JSON
 * `{"Width","Height"}`, 255 close a stream (v5 only).
 */
import type { Json } from "./_k8s-stand-in-pods.ts";

const PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

export function status(code: number, reason: string, message: string, details?: Json): Response {
  const body = { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
  return Response.json(details ? { ...body, details } : body, { status: code });
}

export function labelMatcher(selector: string | null): (labels: Record<string, string>) => boolean {
  const terms = (selector ?? "").split(",").filter(Boolean);
  return (labels) =>
    terms.every((term) => {
      const ne = term.split("!=");
      if (ne.length === 2) return labels[ne[0] as string] !== ne[1];
      const eq = term.split(/==?/);
      if (eq.length === 2) return labels[eq[0] as string] === eq[1];
      return term.startsWith("!") ? !(term.slice(1) in labels) : term in labels;
    });
}

export function fieldMatcher(selector: string | null): (pod: Json) => boolean {
  const terms = (selector ?? "").split(",").filter(Boolean);
  return (pod) =>
    terms.every((term) => {
      const [key, value] = term.split("=");
      if (key === "metadata.name") return pod.metadata.name === value;
      if (key === "metadata.namespace") return pod.metadata.namespace === value;
      if (key === "status.phase") return pod.status.phase === value;
      return false;
    });
}

/** The first subprotocol of ours the client offered, or undefined. */
export function negotiate(header: string | null): string | undefined {
  const offered = (header ?? "").split(",").map((s) => s.trim());
  return PROTOCOLS.find((p) => offered.includes(p));
}

export type Frame =
  | { kind: "stdin"; text: string }
  | { kind: "resize"; size: { width: number; height: number } }
  | { kind: "close-stdin" }
  | { kind: "other"; channel: number };

export function parseFrame(frame: Buffer, protocol: string): Frame {
  const channel = frame[0] ?? -1;
  const data = frame.subarray(1);
  if (channel === 0) return { kind: "stdin", text: data.toString("utf8") };
  if (channel === 4) {
    // client-go sends "Width"/"Height"; Go's JSON decoding also takes the lower-case names.
    const size = JSON.parse(data.toString("utf8")) as Record<string, number>;
    const pick = (k: string) => size[k] ?? size[k.toLowerCase()] ?? 0;
    return { kind: "resize", size: { width: pick("Width"), height: pick("Height") } };
  }
  if (channel === 255 && protocol === "v5.channel.k8s.io" && data[0] === 0) return { kind: "close-stdin" };
  return { kind: "other", channel };
}

export function stdoutFrame(text: string): Buffer {
  return Buffer.concat([Buffer.from([1]), Buffer.from(text)]);
}

/** The Status the API server sends on channel 3 when the attached process ends. */
export function statusFrame(exitCode: number): Buffer {
  const done =
    exitCode === 0
      ? { metadata: {}, status: "Success" }
      : {
          metadata: {},
          status: "Failure",
          message: `command terminated with non-zero exit code: exit status ${exitCode}`,
          reason: "NonZeroExitCode",
          details: { causes: [{ reason: "ExitCode", message: String(exitCode) }] },
        };
  return Buffer.concat([Buffer.from([3]), Buffer.from(JSON.stringify(done))]);
}
