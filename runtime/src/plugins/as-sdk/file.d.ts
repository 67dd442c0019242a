// `import sdk from "@loom/runtime/plugins/as-sdk-file" with { type: "file" }`: Bun gives the path of
// loom.as.ts (embedded in the compiled binary); TypeScript must not type-check AssemblyScript.
declare const path: string;
export default path;
