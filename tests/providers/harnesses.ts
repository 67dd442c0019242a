/**
 * What the contract suite needs to know about each provider: how to point it at the fake
 * upstream, and how that provider writes tool calls and tool results on the wire.
 */

import anthropic from "@loom/provider-anthropic";
import openai from "@loom/provider-openai";
import vertex from "@loom/provider-vertex";
import type { LlmClient, ProviderDefinition } from "@loom/runtime/llm";
import type { FakeUpstream } from "../fixtures/fake-upstream/server.ts";

/** A tool exchange as seen in a recorded request body, normalised across providers. */
export interface WireExchange {
  calls: { id?: string; name: string; input: unknown }[];
  results: { id?: string; name?: string; content: string; isError: boolean }[];
}

export interface Harness {
  name: string;
  definition: ProviderDefinition;
  model: string;
  /** What a missing-credential error must name. */
  missingEnv: string;
  /** The definition's `apiKeyEnv`, when it differs from `missingEnv`. */
  apiKeyEnv?: string;
  /** Whether the provider reports cache writes in its usage. */
  reportsCacheWrites: boolean;
  create(up: FakeUpstream, settings?: Record<string, unknown>): LlmClient;
  createWithoutCredentials(): LlmClient;
  systemOf(body: unknown): string | undefined;
  /** The assistant tool calls and the tool results of the last exchange in a request body. */
  exchangeOf(body: unknown): WireExchange;
  /** The last user message of a request body: its text and its images (as type + base64). */
  lastUserOf(body: unknown): { text: string; images: { mimeType: string; data: string }[] };
}

/** `data:image/png;base64,AAAA` → its type and bytes. */
const fromDataUrl = (url: unknown) => {
  const m = /^data:([^;]+);base64,(.*)$/.exec(String(url));
  return { mimeType: m?.[1] ?? "", data: m?.[2] ?? "" };
};

type Json = Record<string, unknown>;
const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

const anthropicHarness: Harness = {
  name: "anthropic",
  definition: anthropic,
  model: "claude-sonnet-4-6",
  missingEnv: "ANTHROPIC_API_KEY",
  reportsCacheWrites: true,
  create: (up, settings) => anthropic.create({ apiKey: "test-key", baseUrl: up.url, settings }),
  createWithoutCredentials: () => anthropic.create({}),
  systemOf: (body) => asList((body as Json).system)[0]?.text as string | undefined,
  lastUserOf(body) {
    const blocks = asList(asList((body as Json).messages).findLast((m) => m.role === "user")?.content);
    return {
      text: blocks.flatMap((b) => (b.type === "text" ? [b.text as string] : [])).join(""),
      images: blocks
        .filter((b) => b.type === "image")
        .map((b) => {
          const source = b.source as Json;
          return { mimeType: source.media_type as string, data: source.data as string };
        }),
    };
  },
  exchangeOf(body) {
    const messages = asList((body as Json).messages);
    const assistant = messages.findLast((m) => m.role === "assistant");
    const user = messages.at(-1);
    return {
      calls: asList(assistant?.content)
        .filter((b) => b.type === "tool_use")
        .map((b) => ({ id: b.id as string, name: b.name as string, input: b.input })),
      results: asList(user?.content)
        .filter((b) => b.type === "tool_result")
        .map((b) => ({
          id: b.tool_use_id as string,
          content: b.content as string,
          isError: b.is_error === true,
        })),
    };
  },
};

/** Claude on Vertex AI: the Anthropic plugin with `platform = "vertex"`, same Messages wire format. */
const anthropicVertexHarness: Harness = {
  ...anthropicHarness,
  name: "anthropic on vertex",
  missingEnv: "project",
  apiKeyEnv: "ANTHROPIC_API_KEY",
  create: (up, settings) =>
    anthropic.create({
      baseUrl: `${up.url}/v1`,
      settings: {
        platform: "vertex",
        project: "loom-test",
        location: "us-east5",
        accessToken: "test-token",
        ...settings,
      },
    }),
  createWithoutCredentials: () =>
    anthropic.create({ settings: { platform: "vertex", location: "us-east5" } }),
};

const openaiHarness: Harness = {
  name: "openai",
  definition: openai,
  model: "gpt-5.1",
  missingEnv: "OPENAI_API_KEY",
  reportsCacheWrites: false,
  create: (up, settings) => openai.create({ apiKey: "test-key", baseUrl: up.openaiUrl, settings }),
  createWithoutCredentials: () => openai.create({}),
  systemOf: (body) => asList((body as Json).messages).find((m) => m.role === "system")?.content as string,
  lastUserOf(body) {
    const content = asList((body as Json).messages).findLast((m) => m.role === "user")?.content;
    const parts = typeof content === "string" ? [{ type: "text", text: content }] : asList(content);
    return {
      text: parts.flatMap((p) => (p.type === "text" ? [p.text as string] : [])).join(""),
      images: parts.filter((p) => p.type === "image_url").map((p) => fromDataUrl((p.image_url as Json).url)),
    };
  },
  exchangeOf(body) {
    const messages = asList((body as Json).messages);
    const assistant = messages.findLast((m) => m.role === "assistant");
    return {
      calls: asList(assistant?.tool_calls).map((c) => {
        const fn = c.function as Json;
        return { id: c.id as string, name: fn.name as string, input: JSON.parse(fn.arguments as string) };
      }),
      results: messages
        .filter((m) => m.role === "tool")
        .map((m) => {
          const content = m.content as string;
          return {
            id: m.tool_call_id as string,
            content: content.replace(/^Error: /, ""),
            isError: content.startsWith("Error: "),
          };
        }),
    };
  },
};

/** OpenAI's Responses API (`api = "responses"`): instructions, input items, function_call items. */
const openaiResponsesHarness: Harness = {
  ...openaiHarness,
  name: "openai responses",
  create: (up, settings) =>
    openai.create({ apiKey: "test-key", baseUrl: up.openaiUrl, settings: { api: "responses", ...settings } }),
  systemOf: (body) => (body as Json).instructions as string | undefined,
  lastUserOf(body) {
    const content = asList((body as Json).input).findLast((i) => i.role === "user")?.content;
    const parts = typeof content === "string" ? [{ type: "input_text", text: content }] : asList(content);
    return {
      text: parts.flatMap((p) => (p.type === "input_text" ? [p.text as string] : [])).join(""),
      images: parts.filter((p) => p.type === "input_image").map((p) => fromDataUrl(p.image_url)),
    };
  },
  exchangeOf(body) {
    const items = asList((body as Json).input);
    return {
      calls: items
        .filter((i) => i.type === "function_call")
        .map((i) => ({
          id: i.call_id as string,
          name: i.name as string,
          input: JSON.parse(i.arguments as string),
        })),
      results: items
        .filter((i) => i.type === "function_call_output")
        .map((i) => {
          const output = i.output as string;
          return {
            id: i.call_id as string,
            content: output.replace(/^Error: /, ""),
            isError: output.startsWith("Error: "),
          };
        }),
    };
  },
};

const vertexHarness: Harness = {
  name: "vertex",
  definition: vertex,
  model: "gemini-2.5-pro",
  missingEnv: "GOOGLE_CLOUD_PROJECT",
  reportsCacheWrites: false,
  create: (up, settings) =>
    vertex.create({
      baseUrl: up.url,
      settings: { project: "loom-test", location: "us-central1", accessToken: "test-token", ...settings },
    }),
  createWithoutCredentials: () => vertex.create({ settings: { location: "us-central1" } }),
  systemOf: (body) =>
    asList(((body as Json).systemInstruction as Json | undefined)?.parts)[0]?.text as string,
  lastUserOf(body) {
    const parts = asList(asList((body as Json).contents).findLast((c) => c.role === "user")?.parts);
    return {
      text: parts.flatMap((p) => (typeof p.text === "string" ? [p.text] : [])).join(""),
      images: parts
        .map((p) => p.inlineData as Json | undefined)
        .filter((d) => d !== undefined)
        .map((d) => ({ mimeType: d.mimeType as string, data: d.data as string })),
    };
  },
  exchangeOf(body) {
    const contents = asList((body as Json).contents);
    const model = contents.findLast((c) => c.role === "model");
    const user = contents.at(-1);
    return {
      calls: asList(model?.parts)
        .map((p) => p.functionCall as Json | undefined)
        .filter((c) => c !== undefined)
        .map((c) => ({ id: c.id as string | undefined, name: c.name as string, input: c.args })),
      results: asList(user?.parts)
        .map((p) => p.functionResponse as Json | undefined)
        .filter((r) => r !== undefined)
        .map((r) => {
          const response = r.response as Json;
          const isError = "error" in response;
          return {
            id: r.id as string | undefined,
            name: r.name as string,
            content: (isError ? response.error : response.output) as string,
            isError,
          };
        }),
    };
  },
};

export const HARNESSES: readonly Harness[] = [
  anthropicHarness,
  anthropicVertexHarness,
  openaiHarness,
  openaiResponsesHarness,
  vertexHarness,
];
