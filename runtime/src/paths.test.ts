import { describe, expect, test } from "bun:test";
import {
  cacheDir,
  configDir,
  dataDir,
  logFile,
  stateDir,
  userConfigFile,
  workspaceConfigFile,
} from "./paths.ts";

describe("XDG paths", () => {
  test("fall back to the home directory without XDG variables", () => {
    const env = { HOME: "/home/ada" };
    expect(configDir(env)).toBe("/home/ada/.config/loom");
    expect(dataDir(env)).toBe("/home/ada/.local/share/loom");
    expect(stateDir(env)).toBe("/home/ada/.local/state/loom");
    expect(cacheDir(env)).toBe("/home/ada/.cache/loom");
    expect(userConfigFile(env)).toBe("/home/ada/.config/loom/config.toml");
    expect(logFile(env)).toBe("/home/ada/.local/state/loom/logs/loom.log");
  });

  test("use XDG variables when set", () => {
    const env = {
      HOME: "/home/ada",
      XDG_CONFIG_HOME: "/x/config",
      XDG_DATA_HOME: "/x/data",
      XDG_STATE_HOME: "/x/state",
      XDG_CACHE_HOME: "/x/cache",
    };
    expect(configDir(env)).toBe("/x/config/loom");
    expect(dataDir(env)).toBe("/x/data/loom");
    expect(stateDir(env)).toBe("/x/state/loom");
    expect(cacheDir(env)).toBe("/x/cache/loom");
    expect(logFile(env)).toBe("/x/state/loom/logs/loom.log");
  });

  test("ignore empty and relative XDG variables, as the spec requires", () => {
    expect(configDir({ HOME: "/h", XDG_CONFIG_HOME: "" })).toBe("/h/.config/loom");
    expect(dataDir({ HOME: "/h", XDG_DATA_HOME: "relative/dir" })).toBe("/h/.local/share/loom");
  });

  test("workspace config lives in .loom", () => {
    expect(workspaceConfigFile("/repo")).toBe("/repo/.loom/config.toml");
  });
});
