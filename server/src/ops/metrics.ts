/** In-process metrics rendered as Prometheus text: requests, durations, proxy tokens, active streams. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

const key = (l: Labels) =>
  Object.entries(l)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");

/** Distinct model labels kept; later ones count as "other" (model names come from callers). */
export const MAX_MODEL_LABELS = 200;

export function createMetrics() {
  const requests = new Map<string, number>();
  const durations = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const tokens = new Map<string, number>();
  const models = new Set<string>();
  let streamsActive = 0;

  /**
   * Label texts by a plain concatenation of the values: escaping and joining the labels on every
   * request showed in a request's cost (routes and statuses are few, so this stays small).
   */
  const labelTexts = new Map<string, { request: string; duration: string }>();
  const labelsOf = (method: string, route: string, status: number) => {
    const raw = `${method} ${status} ${route}`;
    let k = labelTexts.get(raw);
    if (!k) {
      k = { request: key({ method, route, status: String(status) }), duration: key({ method, route }) };
      labelTexts.set(raw, k);
    }
    return k;
  };

  return {
    observeRequest(l: { method: string; route: string; status: number }, seconds: number) {
      const k = labelsOf(l.method, l.route, l.status);
      requests.set(k.request, (requests.get(k.request) ?? 0) + 1);
      let d = durations.get(k.duration);
      if (!d) {
        d = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
        durations.set(k.duration, d);
      }
      for (let i = 0; i < BUCKETS.length; i++)
        if (seconds <= (BUCKETS[i] ?? 0)) d.buckets[i] = (d.buckets[i] ?? 0) + 1;
      d.sum += seconds;
      d.count += 1;
    },
    addTokens(provider: string, requested: string, input: number, output: number) {
      const known = models.has(`${provider}/${requested}`) || models.size < MAX_MODEL_LABELS;
      if (known) models.add(`${provider}/${requested}`);
      const model = known ? requested : "other";
      for (const [direction, n] of [
        ["input", input],
        ["output", output],
      ] as const) {
        const k = key({ provider, model, direction });
        tokens.set(k, (tokens.get(k) ?? 0) + n);
      }
    },
    streamStarted() {
      streamsActive++;
    },
    streamEnded() {
      streamsActive--;
    },
    get streamsActive() {
      return streamsActive;
    },
    render(): string {
      const out: string[] = [];
      out.push("# HELP loom_http_requests_total HTTP requests by route and status.");
      out.push("# TYPE loom_http_requests_total counter");
      for (const [k, v] of requests) out.push(`loom_http_requests_total{${k}} ${v}`);
      out.push("# HELP loom_http_request_duration_seconds Time to response headers.");
      out.push("# TYPE loom_http_request_duration_seconds histogram");
      for (const [k, d] of durations) {
        BUCKETS.forEach((b, i) => {
          out.push(`loom_http_request_duration_seconds_bucket{${k},le="${b}"} ${d.buckets[i] ?? 0}`);
        });
        out.push(`loom_http_request_duration_seconds_bucket{${k},le="+Inf"} ${d.count}`);
        out.push(`loom_http_request_duration_seconds_sum{${k}} ${d.sum}`);
        out.push(`loom_http_request_duration_seconds_count{${k}} ${d.count}`);
      }
      out.push("# HELP loom_proxy_tokens_total LLM tokens through the proxy.");
      out.push("# TYPE loom_proxy_tokens_total counter");
      for (const [k, v] of tokens) out.push(`loom_proxy_tokens_total{${k}} ${v}`);
      out.push("# HELP loom_proxy_streams_active Streams open right now.");
      out.push("# TYPE loom_proxy_streams_active gauge");
      out.push(`loom_proxy_streams_active ${streamsActive}`);
      return `${out.join("\n")}\n`;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
