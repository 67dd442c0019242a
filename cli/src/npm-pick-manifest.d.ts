// npm-pick-manifest ships no types; the part `loom plugin` uses.
declare module "npm-pick-manifest" {
  interface PickedManifest {
    name: string;
    version: string;
    keywords?: string[];
    dist: { tarball: string; integrity?: string; shasum?: string };
    [key: string]: unknown;
  }
  function pickManifest(
    packument: unknown,
    wanted: string,
    opts?: { defaultTag?: string; before?: Date },
  ): PickedManifest;
  export = pickManifest;
}
