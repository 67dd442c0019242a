import { describe, expect, test } from "bun:test";
import { LlmError } from "../llm.ts";
import { createProxyLlmClient } from "./proxy-client.ts";

/** A client whose "server" answers every call with `res()`. */
const clientAnswering = (res: () => Response) =>
  createProxyLlmClient({
    serverUrl: "http://loom.test/",
    token: "lt_test",
    provider: "anthropic",
    fetch: (async () => res()) as unknown as typeof fetch,
  });

const req = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

describe("proxy client against a misbehaving server", () => {
  test("a 200 that is not an LlmResponse (HTML, truncated JSON, wrong shape) is a transient LlmError", async () => {
    for (const body of ["<html>portal</html>", '{"model":"m","mess', '{"hello":"world"}']) {
      const e = await clientAnswering(() => new Response(body, { status: 200 }))
        .complete(req)
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).kind).toBe("transient");
    }
  });

  test("an HTML error page from a proxy in front is classified by status", async () => {
    const e = await clientAnswering(
      () => new Response("<h1>Bad Gateway</h1>", { status: 502, statusText: "Bad Gateway" }),
    )
      .complete(req)
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LlmError);
    expect((e as LlmError).kind).toBe("transient");
    expect((e as LlmError).message).toBe("loom server: 502 Bad Gateway");
  });

  test("a stream with a broken data line or a cut-off end raises a transient LlmError", async () => {
    for (const text of [
      'event: text.delta\ndata: {"type":"text.delta","text":"Hel"}\n\nevent: text.delta\ndata: {broken\n\n',
      'event: text.delta\ndata: {"type":"text.delta","text":"Hel"}\n\n',
      "<html>not sse</html>",
    ]) {
      const llm = clientAnswering(
        () => new Response(text, { headers: { "content-type": "text/event-stream" } }),
      );
      const e = await (async () => {
        for await (const _ of llm.stream(req)) {
          // drain
        }
      })().catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LlmError);
      expect((e as LlmError).kind).toBe("transient");
    }
  });
});
