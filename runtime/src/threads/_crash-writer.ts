/** Test helper: saves threads in a tight loop until killed. argv: <dir> <threadCount> */
import { createThread, createThreadStore } from "./store.ts";

const [dir, countArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: _crash-writer.ts <dir> <count>");
const store = createThreadStore({ dir });
const threads = Array.from({ length: Number(countArg ?? 3) }, () => createThread({ workspace: "/crash" }));
process.stdout.write("ready\n");
for (let i = 0; i < 1_000_000; i++) {
  const t = threads[i % threads.length]!;
  t.messages.push({ role: "user", content: `message ${i} ${"x".repeat(i % 4096)}` });
  if (t.messages.length > 40) t.messages.splice(0, 20);
  t.updatedAt = new Date().toISOString();
  store.save(t);
}
