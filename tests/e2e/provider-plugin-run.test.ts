/**
 * Issue 20, provider plugins: `loom run --provider simple-chat` drives a whole tool-using exchange
 * through the example WASM provider (examples/provider-simple-chat), which talks to a loopback
 * server speaking its JSON-over-HTTP chat API; the network it may reach is what its manifest
 * declares and the user granted. A TypeScript provider runs only when the user's config trusts it.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "@loom/runtime/plugins/as-build";
import { readManifest } from "@loom/runtime/plugins/manifest";
import { SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";
import type { Server } from "bun";
import { loom } from "../cli/_harness.ts";
import { ROOT, sampleSandbox } from "./helpers.ts";

setDefaultTimeout(60_000);
const EXAMPLE = join(ROOT, "examples/provider-simple-chat");
const KEY = "simple-chat-test-key";

interface Turn {
  text?: string | string[];
  toolCalls?: { name: string; input: unknown }[];
}
const script = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/scripts/fix-sum.json"), "utf8")) as {
  turns: Turn[];
};

/** The chat API's reply for one scripted turn. */
function reply(turn: Turn, n: number): object {
  const calls = (turn.toolCalls ?? []).map((c, i) => ({
    id: `call_${n}_${i}`,
    name: c.name,
    arguments: c.input,
  }));
  return {
    message: { content: [turn.text ?? ""].flat().join(""), tool_calls: calls },
    stop_reason: calls.length > 0 ? "tool_use" : "end_turn",
    usage: { input_tokens: 100 + n, output_tokens: 10 + n },
  };
}

interface Recorded {
  path: string;
  auth: string | null;
  body: {
    model: string;
    messages: { role: string; content: string; tool_call_id?: string }[];
    tools: unknown[];
  };
}
let server: Server<undefined>;
let requests: Recorded[] = [];
/** What the next requests get: the script's turns in order, or a fixed error. */
let answer: (n: number) => Response;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/v1/chat") {
        return Response.json({ error: { message: `no route ${url.pathname}` } }, { status: 404 });
      }
      requests.push({ path: url.pathname, auth: req.headers.get("authorization"), body: await req.json() });
      return answer(requests.length - 1);
    },
  });
});
afterAll(() => server.stop(true));

function scripted(n: number): Response {
  const turn = script.turns[n];
  if (!turn) return Response.json({ error: { message: "script exhausted" } }, { status: 500 });
  return Response.json(reply(turn, n));
}

/** A sample-repo sandbox whose user config finds the example plugin and (unless told not to) grants it the loopback host. */
function sandbox(config: string, pluginKeys = "") {
  const sb = sampleSandbox();
  const dir = join(sb.env.XDG_CONFIG_HOME!, "loom");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "config.toml"),
    `[plugins]\npaths = [${JSON.stringify(EXAMPLE)}]\n${pluginKeys}\n[providers.simple-chat]\nbase_url = "http://127.0.0.1:${server.port}"\napi_key = "${KEY}"\n${config}`,
  );
  return sb;
}
const GRANT = '\n[plugins.grants.simple-chat]\nnetwork = ["127.0.0.1"]\n';

test("the committed simple-chat.wasm is built from the current sources (bun examples/provider-simple-chat/build.ts)", async () => {
  const manifest = await readManifest(join(EXAMPLE, "loom-plugin.json"));
  expect(sha256Hex(new Uint8Array(readFileSync(join(EXAMPLE, "simple-chat.wasm"))))).toBe(manifest.sha256!);
  expect(JSON.parse(readFileSync(join(EXAMPLE, "build-info.json"), "utf8")).sources).toBe(
    sourcesHash(EXAMPLE, "assembly", [SHARED_AS_SDK]),
  );
});

describe("a WASM provider plugin through loom run", () => {
  test("simple-chat: search, read, edit, run, answer", async () => {
    requests = [];
    answer = scripted;
    const sb = sandbox(GRANT);
    try {
      const r = await loom(sb, [
        "run",
        "--json",
        "--provider",
        "simple-chat",
        "--permission-mode",
        "auto",
        "fix the checks",
      ]);
      expect(r.stderr).not.toContain("    at ");
      expect(r.code).toBe(0);
      const events = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; name?: string; text?: string });
      expect(events.filter((e) => e.type === "tool.started").map((e) => e.name)).toEqual([
        "grep",
        "read_file",
        "edit_file",
        "bash",
      ]);
      expect(r.stdout).toContain("`node check.js` passes.");
      expect(readFileSync(join(sb.workspace, "src/stats.js"), "utf8")).toContain("i < xs.length");
      // Four requests in the API's own format: the manifest's default model, the key as a bearer
      // token, Loom's tools, and each tool result sent back paired with its call.
      expect(requests).toHaveLength(4);
      expect(requests.every((q) => q.body.model === "simple-1" && q.auth === `Bearer ${KEY}`)).toBe(true);
      expect(requests[0]?.body.tools.length).toBeGreaterThan(3);
      const results = requests[1]?.body.messages.filter((m) => m.role === "tool") ?? [];
      expect(results.map((m) => m.tool_call_id)).toEqual(["call_0_0", "call_0_1"]);
      expect(JSON.stringify(requests[1]?.body)).toContain("Arithmetic mean");
      expect(JSON.stringify(requests[3]?.body)).toContain("all checks pass");
    } finally {
      sb.cleanup();
    }
  });

  test("without a network grant the provider may not reach its API: one line naming the grant", async () => {
    requests = [];
    answer = scripted;
    const sb = sandbox("");
    try {
      const r = await loom(sb, ["run", "--provider", "simple-chat", "hello"]);
      expect(r.code).toBe(1);
      expect(requests).toHaveLength(0);
      expect(r.stderr).not.toContain("    at ");
      const last = r.stderr.trim().split("\n").at(-1);
      expect(last).toStartWith(
        "loom: simple-chat: PERMISSION_DENIED: plugin simple-chat may not reach 127.0.0.1",
      );
      expect(last).toContain('[plugins.grants.simple-chat] network = ["127.0.0.1"]');
    } finally {
      sb.cleanup();
    }
  });

  test("the API's 401 is a permanent error with its own message, on one line", async () => {
    requests = [];
    answer = () => Response.json({ error: { message: "invalid api key" } }, { status: 401 });
    const sb = sandbox(GRANT);
    try {
      const r = await loom(sb, ["run", "--provider", "simple-chat", "hello"]);
      expect(r.code).toBe(1);
      expect(requests).toHaveLength(1);
      expect(r.stderr).not.toContain("    at ");
      expect(r.stderr.trim().split("\n").at(-1)).toBe("loom: simple-chat: 401 invalid api key");
    } finally {
      sb.cleanup();
    }
  });
});

describe("a TypeScript provider plugin", () => {
  const TS_PROVIDER = `export default {
  name: "ts-echo",
  create: () => ({
    provider: "ts-echo",
    async complete() { throw new Error("stream only"); },
    async *stream(request) {
      const last = request.messages.at(-1);
      const text = "echo: " + last.content;
      yield { type: "text.delta", text };
      const usage = { inputTokens: 1, outputTokens: 1 };
      yield { type: "completed", response: { model: request.model, message: { role: "assistant", content: text }, usage, finishReason: "end_turn" } };
    },
  }),
};
`;
  function withTsProvider(pluginKeys = "") {
    const sb = sandbox("", pluginKeys);
    const dir = join(sb.workspace, ".loom/plugins/ts-echo");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "index.js"), TS_PROVIDER);
    writeFileSync(
      join(dir, "loom-plugin.json"),
      JSON.stringify({
        name: "ts-echo",
        version: "0.1.0",
        description: "echo",
        kind: "provider",
        runtime: "ts",
        entry: "index.js",
        tools: [],
      }),
    );
    return sb;
  }

  test("is refused unless the user's config trusts it", async () => {
    const sb = withTsProvider();
    try {
      const r = await loom(sb, ["run", "--provider", "ts-echo", "--model", "m", "hello"]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([
        expect.stringContaining('trust it in your config ([plugins] trusted = ["ts-echo"])'),
      ]);
    } finally {
      sb.cleanup();
    }
  });

  test("a workspace config cannot trust it", async () => {
    const sb = withTsProvider();
    try {
      mkdirSync(join(sb.workspace, ".loom"), { recursive: true });
      writeFileSync(join(sb.workspace, ".loom/config.toml"), '[plugins]\ntrusted = ["ts-echo"]\n');
      const r = await loom(sb, ["run", "--provider", "ts-echo", "--model", "m", "hello"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("plugins.trusted");
    } finally {
      sb.cleanup();
    }
  });

  test("runs when the user's config trusts it", async () => {
    const sb = withTsProvider('trusted = ["ts-echo"]\n');
    try {
      const r = await loom(sb, ["run", "--provider", "ts-echo", "--model", "m", "hello there"]);
      expect(r.stderr).not.toContain("trusted");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("echo: hello there");
    } finally {
      sb.cleanup();
    }
  });
});
