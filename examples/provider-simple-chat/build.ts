/** `bun examples/provider-simple-chat/build.ts`: compiles assembly/ to simple-chat.wasm and records its sha256. */
import { join } from "node:path";
import { buildPlugin, SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";

const dir = import.meta.dir;
const built = await buildPlugin(dir, "assembly/index.ts", "../../runtime/src/plugins/as-sdk/loom.as");
await Bun.write(
  join(dir, "build-info.json"),
  `${JSON.stringify({ sources: sourcesHash(dir, "assembly", [SHARED_AS_SDK]) }, null, 2)}\n`,
);
process.stderr.write(`simple-chat.wasm ${built.wasm.length} bytes, sha256 ${built.sha256}\n`);
