import { describe, expect, it } from "vitest";
import { fingerprint, writeWitness } from "../support/fingerprint.ts";
import { seedReference, useTestApp } from "../support/harness.ts";

/** The matrix and the fuzzer trust writeWitness to skip a full fingerprint: it must move on every write and only then. */
const t = useTestApp();

describe("the write witness", () => {
  it("stays put over reads and refused requests, and moves on any committed or rolled-back write", async () => {
    await seedReference(t);
    const w0 = await writeWitness(t.db);
    const f0 = await fingerprint(t.db);
    await t.json("GET", "/v1/provinces");
    await t.json("PUT", "/v1/provinces/01", { key: "not-a-key", body: { name: "x" } });
    await t.json("PUT", "/v1/provinces/01", { body: { name: 5 } });
    expect(await writeWitness(t.db)).toBe(w0);
    expect(await fingerprint(t.db)).toEqual(f0);

    await t.db.prisma.$executeRawUnsafe("UPDATE province SET name = 'changed' WHERE code = '01'");
    const w1 = await writeWitness(t.db);
    expect(w1).not.toBe(w0);
    expect((await fingerprint(t.db)).province).not.toBe(f0.province);

    await t.db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe("UPDATE province SET name = 'rolled back' WHERE code = '01'");
      throw new Error("roll back");
    }).catch(() => {});
    expect(await writeWitness(t.db)).not.toBe(w1);
  });
});
