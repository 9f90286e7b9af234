import { describe, expect, it } from "vitest";
import { useTestApp } from "../support/harness.ts";
import { stay } from "../support/reports.ts";
import { until, withLockSessions } from "../support/waiting.ts";

const t = useTestApp();

describe("a merger recorded while a batch of the province's facility is on its way", () => {
  it("places the batch's claims by the merger, though the batch read its facility before the merger was committed", async () => {
    await t.json("PUT", "/v1/provinces/08", { body: { name: "Tuyên Quang" } });
    await t.json("PUT", "/v1/provinces/02", { body: { name: "Hà Giang" } });
    await t.json("PUT", "/v1/facilities/02001", { body: { name: "Bệnh viện Đa khoa Hà Giang" } });
    const facility = await t.key("facility", "02001");
    const send = (batchId: string, claimId: string) => t.json("POST", "/v1/batches", { key: facility, body: { batchId, claims: [stay(claimId, "2025-08-01T03:00:00Z", "100000")] } });
    expect((await send("B0", "EARLY")).status).toBe(201);

    // The facility's batch lock held elsewhere: the merger (its province row written, not committed) queues
    // for it first, then a batch, which reads its facility meanwhile and so sees no merger yet.
    await withLockSessions(async (holder, watcher) => {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('batch:02001'))");
      const waiting = (n: number) =>
        until(`${n} sessions waiting on the facility's lock`, async () => {
          const { rows } = await watcher.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
          );
          return rows[0]!.n === n;
        });
      const merger = t.json("PUT", "/v1/provinces/02", { body: { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" } });
      await waiting(1);
      const batch = send("B1", "LATE");
      await waiting(2);
      await holder.query("ROLLBACK");
      expect((await merger).status).toBe(200);
      expect((await batch).status).toBe(201);
    });

    const placed = await t.db.prisma.claim.findMany({ select: { claimId: true, provinceCode: true }, orderBy: { claimId: "asc" } });
    expect(placed).toEqual([{ claimId: "EARLY", provinceCode: "08" }, { claimId: "LATE", provinceCode: "08" }]);
    const spending = await t.db.prisma.spending.findMany({ select: { provinceCode: true, spent: true, claimCount: true }, orderBy: { provinceCode: "asc" } });
    expect(spending.map((s) => [s.provinceCode, s.spent.toString(), s.claimCount])).toEqual([["02", "0", 0], ["08", "200000", 2]]);
  });
});
