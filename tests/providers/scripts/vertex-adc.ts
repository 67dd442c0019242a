// Runs a Vertex request with application-default credentials and prints the error as JSON.
// Spawned by wire.test.ts with GOOGLE_APPLICATION_CREDENTIALS pointing at a missing file.
// argv: <base URL> [gemini|claude]

import anthropic from "@loom/provider-anthropic";
import vertex from "@loom/provider-vertex";
import { LlmError } from "@loom/runtime/llm";

const [baseUrl, which = "gemini"] = process.argv.slice(2);
const llm =
  which === "claude"
    ? anthropic.create({ baseUrl, settings: { platform: "vertex", project: "p", location: "us-east5" } })
    : vertex.create({ baseUrl, settings: { project: "p", location: "us-central1" } });
try {
  await llm.complete({ model: "m", messages: [{ role: "user", content: "hi" }] });
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(
    JSON.stringify(e instanceof LlmError ? { kind: e.kind, message: e.message } : { other: String(e) }),
  );
}
