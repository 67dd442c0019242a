/**
 * Test helper: another process holding the database's write lock (`BEGIN IMMEDIATE`), as `loom admin`
 * or a backup would, until `release()`.
 */
export async function holdWriteLock(path: string): Promise<{ release(): Promise<void> }> {
  const script = `import { Database } from "bun:sqlite";
const db = new Database(${JSON.stringify(path)});
db.run("PRAGMA busy_timeout = 5000");
db.run("BEGIN IMMEDIATE");
process.stdout.write("locked\\n");
for await (const _ of Bun.stdin.stream()) break;
db.run("COMMIT");
process.stdout.write("released\\n");`;
  const child = Bun.spawn(["bun", "-e", script], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const dec = new TextDecoder();
  let out = "";
  const waitFor = async (word: string) => {
    while (!out.includes(word)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`lock holder exited before "${word}" (${out.trim()})`);
      out += dec.decode(value);
    }
  };
  await waitFor("locked");
  let released: Promise<void> | undefined;
  return {
    /** Commits and waits for the holder to exit; calling it again waits for the same. */
    release() {
      released ??= (async () => {
        child.stdin.write("go\n");
        await child.stdin.end();
        await waitFor("released");
        await child.exited;
      })();
      return released;
    },
  };
}
