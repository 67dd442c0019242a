/**
 * Rebuilds the committed hostile test plugins: `bun tests/plugins/hostile/build.ts`.
 * hostile.wasm (manifest loom-plugin.json) and bogus.wasm; build-info.json records the source hash
 * so a test can tell when the committed wasm is stale.
 */
import { join } from "node:path";
import { buildAssemblyScript } from "@loom/runtime/plugins/as-build";
import { buildPlugin, SHARED_AS_SDK, sourcesHash } from "@loom/runtime/plugins/plugin-build";

const dir = import.meta.dir;
await buildPlugin(dir, "assembly/hostile.as.ts", "../../../runtime/src/plugins/as-sdk/loom.as");
await buildAssemblyScript({ dir, entry: "assembly/bogus.as.ts", outFile: "bogus.wasm", sdkModule: null });
await Bun.write(
  join(dir, "build-info.json"),
  `${JSON.stringify({ sources: sourcesHash(dir, "assembly", [SHARED_AS_SDK]) }, null, 2)}\n`,
);
