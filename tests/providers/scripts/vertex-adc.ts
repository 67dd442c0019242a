// Runs a Vertex request with application-default credentials and prints the error as JSON.
// Spawned by wire.test.ts with GOOGLE_APPLICATION_CREDENTIALS pointing at a missing file.

import vertex from "@loom/provider-vertex";
import { LlmError } from "@loom/runtime/llm";

const llm = vertex.create({ baseUrl: process.argv[2], settings: { project: "p", location: "us-central1" } });
try {
  await llm.complete({ model: "gemini-2.5-pro", messages: [{ role: "user", content: "hi" }] });
  console.log(JSON.stringify({ ok: true }));
} catch (e) {
  console.log(
    JSON.stringify(e instanceof LlmError ? { kind: e.kind, message: e.message } : { other: String(e) }),
  );
}
