/** Written by scripts/build.ts (not committed): the built web UI, URL path → base64 bytes. */
export declare const files: Record<string, string>;
