import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../../src/cli.ts";

describe("operator CLI arguments", () => {
  it("reads each command", () => {
    expect(parseCommand(["keys", "create", "--role", "central", "--name", "national operations"])).toEqual({
      kind: "keys.create",
      role: "central",
      scope: undefined,
      name: "national operations",
    });
    expect(parseCommand(["keys", "create", "--name", "HN", "--role", "province", "--scope", "01"])).toMatchObject({
      role: "province",
      scope: "01",
      name: "HN",
    });
    expect(parseCommand(["keys", "create", "--role=facility", "--scope=01001", "--name=BV"])).toMatchObject({
      role: "facility",
      scope: "01001",
    });
    expect(parseCommand(["keys", "list"])).toEqual({ kind: "keys.list" });
    expect(parseCommand(["keys", "revoke", "7b0e5d0a-0000-4000-8000-000000000000"])).toEqual({
      kind: "keys.revoke",
      id: "7b0e5d0a-0000-4000-8000-000000000000",
    });
    expect(parseCommand(["migrate"])).toEqual({ kind: "migrate" });
    expect(parseCommand(["catalogues", "load", "--facility", "01001", "--kind", "drugs", "--file", "d.csv"])).toEqual({
      kind: "catalogues.load",
      facility: "01001",
      catalogue: "drugs",
      file: "d.csv",
    });
    expect(parseCommand(["--help"])).toEqual({ kind: "help" });
  });

  it("refuses what it does not understand, saying why", () => {
    const cases: [string[], RegExp][] = [
      [[], /no command/],
      [["frobnicate"], /unknown command frobnicate/],
      [["keys"], /create, list or revoke/],
      [["keys", "rotate"], /unknown keys command rotate/],
      [["keys", "create", "--role", "auditor", "--name", "x"], /^--role: /],
      [["keys", "create", "--role", "central"], /^--name: is required/],
      [["keys", "create", "--role", "central", "--name", "  "], /^--name: /],
      [["keys", "create", "--role", "province", "--name", "x"], /^--scope: a province key needs a scope/],
      [
        ["keys", "create", "--role", "province", "--scope", "1", "--name", "x"],
        /^--scope: must be a 2-digit province code/,
      ],
      [
        ["keys", "create", "--role", "facility", "--scope", "01", "--name", "x"],
        /^--scope: must be a 5-digit facility code/,
      ],
      [["keys", "create", "--role", "central", "--scope", "01", "--name", "x"], /^--scope: a central key has no scope/],
      [["keys", "create", "--role", "central", "--name", "x", "--colour", "red"], /--colour/],
      [["keys", "create", "--role", "central", "--name", "x", "extra"], /unexpected argument extra/],
      [["keys", "create", "--role"], /--role/],
      [["keys", "list", "--all"], /--all/],
      [["keys", "revoke"], /exactly one key id/],
      [["keys", "revoke", "a", "b"], /exactly one key id/],
      [["migrate", "now"], /no arguments/],
      [["catalogues"], /catalogues needs load/],
      [["catalogues", "drop"], /unknown catalogues command drop/],
      [["catalogues", "load", "--kind", "drugs", "--file", "d.csv"], /^--facility: a 5-digit facility code/],
      [["catalogues", "load", "--facility", "01001", "--kind", "drinks", "--file", "d.csv"], /^--kind: one of drugs/],
      [["catalogues", "load", "--facility", "01001", "--kind", "staff"], /^--file: the CSV file/],
      [["catalogues", "load", "--facility", "01001", "--kind", "staff", "--file", "a", "b"], /unexpected argument b/],
    ];
    for (const [args, reason] of cases) {
      expect(() => parseCommand(args), args.join(" ")).toThrow(UsageError);
      expect(() => parseCommand(args), args.join(" ")).toThrow(reason);
    }
  });
});
