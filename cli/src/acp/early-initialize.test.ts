import { describe, expect, test } from "bun:test";
import { PROTOCOL_VERSION as SDK_PROTOCOL_VERSION } from "@agentclientprotocol/sdk";
import { answerInitializeEarly } from "./early-initialize.ts";
import { initializeRequestId, initializeResponse, PROTOCOL_VERSION } from "./initialize.ts";

const enc = new TextEncoder();

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const x of chunks) c.enqueue(enc.encode(x));
      c.close();
    },
  });
}

async function early(chunks: string[]) {
  const written: string[] = [];
  const r = await answerInitializeEarly(streamOf(chunks), async (line) => {
    written.push(line);
  });
  const rest = await new Response(r.input).text();
  return { written, rest, id: r.answeredId };
}

const init = (id: unknown, params: unknown = { protocolVersion: 1, clientCapabilities: {} }) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "initialize", params });

describe("early initialize", () => {
  test("a first-line initialize is answered; the input is handed on byte for byte", async () => {
    const line = init(7, {
      protocolVersion: 1,
      clientCapabilities: { fs: { readTextFile: true }, terminal: true },
    });
    const next = JSON.stringify({ jsonrpc: "2.0", id: 8, method: "session/new", params: {} });
    // The line arrives split across chunks, the next request in the same chunk as its end.
    const chunks = [line.slice(0, 10), line.slice(10, 30), `${line.slice(30)}\n${next}\n`];
    const r = await early(chunks);
    expect(r.id).toBe(7);
    expect(r.written.map((w) => JSON.parse(w))).toEqual([
      { jsonrpc: "2.0", id: 7, result: initializeResponse() },
    ]);
    expect(r.written[0]?.endsWith("\n")).toBe(true);
    expect(r.rest).toBe(chunks.join(""));
  });

  test("anything else first is not answered, and passed on untouched", async () => {
    for (const chunks of [
      ["not json\n", `${init(1)}\n`],
      [`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "session/new", params: {} })}\n`],
      [`${init(1, { protocolVersion: "1" })}\n`],
      [`${init(1, { protocolVersion: 1, clientCapabilities: { fs: { readTextFile: "yes" } } })}\n`],
      [`${init(null)}\n`],
      [init(1)], // no newline before the end of input
      [],
    ]) {
      const r = await early(chunks);
      expect(r.id).toBeUndefined();
      expect(r.written).toEqual([]);
      expect(r.rest).toBe(chunks.join(""));
    }
  });
});

describe("initialize request check", () => {
  test("accepts what editors send, string ids too", () => {
    const msg = (params: unknown, id: unknown = "a") => ({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params,
    });
    expect(initializeRequestId(msg({ protocolVersion: 1 }))).toBe("a");
    expect(
      initializeRequestId(
        msg({
          protocolVersion: 1,
          clientCapabilities: {
            fs: { readTextFile: true, writeTextFile: true },
            terminal: true,
            auth: { terminal: true },
            _meta: {},
          },
          clientInfo: { name: "zed", version: "1.0", title: "Zed" },
        }),
      ),
    ).toBe("a");
    expect(initializeRequestId(msg({ protocolVersion: 1, clientInfo: { name: "zed" } }))).toBeUndefined();
    expect(initializeRequestId(msg({ protocolVersion: 1.5 }))).toBeUndefined();
    expect(
      initializeRequestId(msg({ protocolVersion: 1, clientCapabilities: { session: { x: 1 } } })),
    ).toBeUndefined();
    expect(initializeRequestId({ jsonrpc: "2.0", id: 1, method: "initialize" })).toBeUndefined();
  });

  test("the protocol version is the SDK's", () => {
    expect(PROTOCOL_VERSION).toBe(SDK_PROTOCOL_VERSION);
  });
});
