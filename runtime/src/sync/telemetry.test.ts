import { describe, expect, test } from "bun:test";
import { createTelemetry, telemetryAllowed } from "./telemetry.ts";

interface Sent {
  url: string;
  auth: string | null;
  batch: { event: string; uuid: string; properties: Record<string, unknown> }[];
}

function fakeFetch(answers: (number | "throw")[]) {
  const sent: Sent[] = [];
  const f = (async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { batch: Sent["batch"] };
    sent.push({ url, auth: new Headers(init.headers).get("authorization"), batch: body.batch });
    const a = answers.shift() ?? 200;
    if (a === "throw") throw new Error("ECONNREFUSED");
    return new Response("{}", { status: a });
  }) as unknown as typeof fetch;
  return { f, sent };
}

describe("createTelemetry", () => {
  test("batches to the configured server only, with the caller's token", async () => {
    const { f, sent } = fakeFetch([]);
    const t = createTelemetry({ serverUrl: "http://team.example/", token: "lt_x", fetch: f, maxBatch: 2 });
    t.track("a", { n: 1 });
    t.track("b");
    t.track("c");
    await t.flush(1000);
    t.close();
    expect(sent.map((s) => s.url)).toEqual([
      "http://team.example/api/analytics/batch",
      "http://team.example/api/analytics/batch",
    ]);
    expect(sent.every((s) => s.auth === "Bearer lt_x")).toBe(true);
    expect(sent.flatMap((s) => s.batch.map((e) => e.event))).toEqual(["a", "b", "c"]);
  });

  test("a failed batch is retried once with the same uuids, then dropped; nothing throws", async () => {
    const { f, sent } = fakeFetch(["throw", 503, 200]);
    const t = createTelemetry({ serverUrl: "http://team.example", token: "t", fetch: f });
    t.track("a");
    await t.flush(1000); // fails (network)
    await t.flush(1000); // retried: 503, dropped
    await t.flush(1000); // nothing left
    t.track("b");
    await t.flush(1000);
    t.close();
    expect(sent.map((s) => s.batch.map((e) => e.event).join())).toEqual(["a", "a", "b"]);
    expect(sent[0]?.batch[0]?.uuid).toBe(sent[1]?.batch[0]?.uuid as string);
  });

  test("flush returns by its deadline when the server hangs", async () => {
    const hang = (() => new Promise<Response>(() => {})) as unknown as typeof fetch;
    const t = createTelemetry({ serverUrl: "http://team.example", token: "t", fetch: hang });
    t.track("a");
    await t.flush(20);
    t.close();
  });

  test("DO_NOT_TRACK and the config switch turn it off", () => {
    expect(telemetryAllowed(true, {})).toBe(true);
    expect(telemetryAllowed(true, { DO_NOT_TRACK: "1" })).toBe(false);
    expect(telemetryAllowed(true, { DO_NOT_TRACK: "0" })).toBe(true);
    expect(telemetryAllowed(false, {})).toBe(false);
  });
});
