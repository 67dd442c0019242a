/** `bun run build` here: compiles assembly/ to edit.wasm, writes its sha256 into loom-plugin.json. */
import { join } from "node:path";
import { buildPlugin, SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";

const dir = import.meta.dir;
const built = await buildPlugin(dir, "assembly/index.ts", "../../runtime/src/plugins/as-sdk/loom.as");
await Bun.write(
  join(dir, "build-info.json"),
  `${JSON.stringify({ sources: sourcesHash(dir, "assembly", [SHARED_AS_SDK]) }, null, 2)}\n`,
);
process.stderr.write(`edit.wasm ${built.wasm.length} bytes, sha256 ${built.sha256}\n`);
