import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { withFailingAudit } from "../support/faults.ts";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

const bootstrapKeyId = async () => (await t.db.prisma.apiKey.findFirstOrThrow({ where: { name: "bootstrap" } })).id;
const auditOf = (entity: string, entityId: string) =>
  t.db.prisma.auditLog.findMany({ where: { entity, entityId }, orderBy: { id: "asc" } });

/** Follows nextCursor from the first page to the last, returning every item's code and the page sizes. */
async function allPages(path: string, limit: number) {
  const codes: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const sep = path.includes("?") ? "&" : "?";
    const res: { status: number; body: any } = await t.json(
      "GET",
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    expect(res.status).toBe(200);
    codes.push(...res.body.data.map((x: { code: string }) => x.code));
    sizes.push(res.body.data.length);
    cursor = res.body.nextCursor;
    if (cursor === null) return { codes, sizes };
  }
  throw new Error("paging never ended");
}

describe("provinces", () => {
  it(
    "PUT creates a province (201), the same PUT again updates it (200), and each change is audited with before and " +
      "after",
    async () => {
      const created = await t.json("PUT", "/v1/provinces/01", {
        body: { name: "Hà Nội" },
        headers: { "x-request-id": "req-create-01" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code: "01", name: "Hà Nội", successorCode: null, mergedAt: null });
      expect(created.body.createdAt).toBe("2026-06-15T03:00:00.000Z");

      t.clock.advance(60_000);
      const updated = await t.json("PUT", "/v1/provinces/01", { body: { name: "Thành phố Hà Nội" } });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        code: "01",
        name: "Thành phố Hà Nội",
        createdAt: "2026-06-15T03:00:00.000Z",
        updatedAt: "2026-06-15T03:01:00.000Z",
      });

      const audit = await auditOf("province", "01");
      expect(audit.map((a) => a.action)).toEqual(["province.create", "province.update"]);
      expect(audit[0]).toMatchObject({
        actorKeyId: await bootstrapKeyId(),
        actorRole: "central",
        requestId: "req-create-01",
        before: null,
      });
      expect(audit[0]!.after).toMatchObject({ code: "01", name: "Hà Nội" });
      expect(audit[1]!.before).toMatchObject({ name: "Hà Nội" });
      expect(audit[1]!.after).toMatchObject({ name: "Thành phố Hà Nội" });
      expect(audit[1]!.requestId).toBe(updated.headers.get("x-request-id"));
    },
  );

  it("a successor must be another province that exists; otherwise 422 naming successorCode and nothing is written", async () => {
    await t.json("PUT", "/v1/provinces/01", { body: { name: "Hà Nội" } });
    const itself = await t.json("PUT", "/v1/provinces/01", { body: { name: "Hà Nội", successorCode: "01" } });
    expect(itself.status).toBe(422);
    expect(itself.headers.get("content-type")).toContain("application/problem+json");
    expect(itself.body.errors).toEqual([expect.objectContaining({ path: "successorCode", code: "invalid_value" })]);

    const unknown = await t.json("PUT", "/v1/provinces/02", { body: { name: "Hà Giang", successorCode: "08" } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: "successorCode", code: "unknown_province" })]);
    expect(await t.db.prisma.province.findUnique({ where: { code: "02" } })).toBeNull();
    expect(await auditOf("province", "02")).toEqual([]);

    const malformed = await t.json("PUT", "/v1/provinces/02", { body: { name: "Hà Giang", successorCode: "8" } });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors[0].path).toBe("successorCode");

    await t.json("PUT", "/v1/provinces/08", { body: { name: "Tuyên Quang" } });
    const merged = await t.json("PUT", "/v1/provinces/02", {
      body: { name: "Hà Giang", successorCode: "08", mergedAt: "2025-07-01T00:00:00+07:00" },
    });
    expect(merged.status).toBe(201);
    expect(merged.body).toMatchObject({ successorCode: "08", mergedAt: "2025-06-30T17:00:00.000Z" });
  });

  it("refuses a malformed code, a missing name and unknown fields with 422 naming each", async () => {
    const cases = [
      ["/v1/provinces/1", { name: "x" }, "code"],
      ["/v1/provinces/ab", { name: "x" }, "code"],
      ["/v1/provinces/01", {}, "name"],
      ["/v1/provinces/01", { name: "  " }, "name"],
      ["/v1/provinces/01", { name: "x", population: 8 }, "population"],
    ] as const;
    for (const [path, body, field] of cases) {
      const res = await t.json("PUT", path, { body });
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect(await t.db.prisma.province.count()).toBe(0);
  });

  it("GET lists provinces in code order, a page at a time, following nextCursor to the end", async () => {
    for (const code of ["79", "01", "48", "31", "92"])
      await t.json("PUT", `/v1/provinces/${code}`, { body: { name: `P${code}` } });
    const firstPage = await t.json("GET", "/v1/provinces?limit=2");
    expect(firstPage.body.data.map((p: { code: string }) => p.code)).toEqual(["01", "31"]);
    expect(typeof firstPage.body.nextCursor).toBe("string");

    expect(await allPages("/v1/provinces", 2)).toEqual({ codes: ["01", "31", "48", "79", "92"], sizes: [2, 2, 1] });
    expect(await allPages("/v1/provinces", 5)).toEqual({ codes: ["01", "31", "48", "79", "92"], sizes: [5] });
    const whole = await t.json("GET", "/v1/provinces");
    expect(whole.body.nextCursor).toBeNull();
    expect(whole.body.data).toHaveLength(5);
  });

  it("refuses a limit outside 1-500 and a cursor it did not issue (422)", async () => {
    for (const query of ["limit=0", "limit=501", "limit=ten", "cursor=not-a-cursor"]) {
      const res = await t.json("GET", `/v1/provinces?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.body.errors[0].path).toBe(query.split("=")[0]);
    }
  });
});

describe("facilities", () => {
  it("a facility belongs to the province of its code's first two digits unless provinceCode says otherwise", async () => {
    await seedReference(t);
    const byCode = await t.json("PUT", "/v1/facilities/79002", { body: { name: "Bệnh viện Nhân dân 115" } });
    expect(byCode.status).toBe(201);
    expect(byCode.body).toMatchObject({ code: "79002", provinceCode: "79" });

    const explicit = await t.json("PUT", "/v1/facilities/01003", { body: { name: "Phân viện", provinceCode: "79" } });
    expect(explicit.status).toBe(201);
    expect(explicit.body.provinceCode).toBe("79");

    const moved = await t.json("PUT", "/v1/facilities/79002", {
      body: { name: "Bệnh viện Nhân dân 115", provinceCode: "01" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.provinceCode).toBe("01");
    const audit = await auditOf("facility", "79002");
    expect(audit.map((a) => a.action)).toEqual(["facility.create", "facility.update"]);
    expect(audit[1]!.before).toMatchObject({ provinceCode: "79" });
    expect(audit[1]!.after).toMatchObject({ provinceCode: "01" });
  });

  it("a facility in an unknown province is refused with 422 naming provinceCode, and nothing is written", async () => {
    await seedReference(t);
    const implied = await t.json("PUT", "/v1/facilities/48001", { body: { name: "Bệnh viện Đà Nẵng" } });
    expect(implied.status).toBe(422);
    expect(implied.body.errors).toEqual([expect.objectContaining({ path: "provinceCode", code: "unknown_province" })]);
    const explicit = await t.json("PUT", "/v1/facilities/01009", { body: { name: "x", provinceCode: "48" } });
    expect(explicit.status).toBe(422);
    expect(await t.db.prisma.facility.findMany({ where: { code: { in: ["48001", "01009"] } } })).toEqual([]);
    expect(await auditOf("facility", "48001")).toEqual([]);
  });

  it("GET filters by ?province= and pages like every list", async () => {
    await seedReference(t);
    const hanoi = await t.json("GET", "/v1/facilities?province=01");
    expect(hanoi.body.data.map((f: { code: string }) => f.code)).toEqual(["01001", "01002"]);
    expect((await t.json("GET", "/v1/facilities?province=79")).body.data.map((f: { code: string }) => f.code)).toEqual([
      "79001",
    ]);
    expect((await t.json("GET", "/v1/facilities?province=48")).body.data).toEqual([]);
    expect(await allPages("/v1/facilities", 1)).toEqual({ codes: ["01001", "01002", "79001"], sizes: [1, 1, 1] });
    expect(await allPages("/v1/facilities?province=01", 1)).toEqual({ codes: ["01001", "01002"], sizes: [1, 1] });
    expect((await t.json("GET", "/v1/facilities?province=1")).status).toBe(422);
  });
});

describe("who may change reference data", () => {
  it("only central writes (403 for province and facility keys); every key reads; no key is 401", async () => {
    await seedReference(t);
    const province = await t.key("province", "01");
    const facility = await t.key("facility", "01001");
    for (const key of [province, facility]) {
      const p = await t.json("PUT", "/v1/provinces/01", { key, body: { name: "renamed" } });
      expect(p.status).toBe(403);
      expect(p.body.code).toBe("forbidden");
      expect((await t.call("PUT", "/v1/facilities/01001", { key, body: { name: "renamed" } })).status).toBe(403);
      expect((await t.call("GET", "/v1/provinces", { key })).status).toBe(200);
      expect((await t.call("GET", "/v1/facilities", { key })).status).toBe(200);
    }
    expect((await t.db.prisma.province.findUniqueOrThrow({ where: { code: "01" } })).name).toBe("Hà Nội");
    expect((await t.call("GET", "/v1/provinces", { key: null })).status).toBe(401);
    expect((await t.call("PUT", "/v1/provinces/01", { key: null, body: { name: "x" } })).status).toBe(401);
  });

  it("a change and its audit row commit together: when the audit row cannot be written, the change is not made", async () => {
    await seedReference(t);
    const app = createApp({ db: withFailingAudit(t.db), clock: t.clock, rules: t.rules, logger: t.logger });
    const put = (path: string, body: unknown) =>
      app.request(path, {
        method: "PUT",
        headers: { authorization: `Bearer ${CENTRAL_KEY}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });

    expect((await put("/v1/provinces/48", { name: "Đà Nẵng" })).status).toBe(500);
    expect((await put("/v1/provinces/01", { name: "renamed" })).status).toBe(500);
    expect((await put("/v1/facilities/01009", { name: "new" })).status).toBe(500);

    expect(await t.db.prisma.province.findUnique({ where: { code: "48" } })).toBeNull();
    expect((await t.db.prisma.province.findUniqueOrThrow({ where: { code: "01" } })).name).toBe("Hà Nội");
    expect(await t.db.prisma.facility.findUnique({ where: { code: "01009" } })).toBeNull();
  });
});
