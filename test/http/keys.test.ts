import { describe, expect, it } from "vitest";
import { CENTRAL_KEY, seedReference, useTestApp } from "../support/harness.ts";

const t = useTestApp();

describe("API keys", () => {
  it("central creates a key whose secret is shown once, stored only as a hash, and works at once", async () => {
    await seedReference(t);
    const created = await t.json("POST", "/v1/keys", {
      body: { role: "province", scope: "01", name: "Hà Nội reviewers" },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: "province", scope: "01", name: "Hà Nội reviewers" });
    expect(created.body.key).toMatch(/^bhyt_[A-Za-z0-9_-]{43}$/);

    const stored = await t.db.prisma.apiKey.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(stored.secretHash).not.toContain(created.body.key);
    expect(JSON.stringify(stored)).not.toContain(created.body.key);

    const list = await t.json("GET", "/v1/keys");
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    expect(list.body.data.map((k: { id: string }) => k.id)).toContain(created.body.id);

    expect((await t.call("GET", "/v1/provinces/01/estimates/2026", { key: created.body.key })).status).toBe(404);
  });

  it("a revoked key is refused with 401 and the revocation is audited", async () => {
    await seedReference(t);
    const { body } = await t.json("POST", "/v1/keys", {
      body: { role: "facility", scope: "01001", name: "BV Bạch Mai HIS" },
    });
    expect((await t.call("GET", "/v1/rules", { key: body.key })).status).toBe(200);
    expect((await t.call("DELETE", `/v1/keys/${body.id}`)).status).toBe(204);
    const refused = await t.json("GET", "/v1/rules", { key: body.key });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    const audits = await t.db.prisma.auditLog.findMany({
      where: { entity: "api_key", entityId: body.id },
      orderBy: { id: "asc" },
    });
    expect(audits.map((a) => a.action)).toEqual(["key.create", "key.revoke"]);
  });

  it("a province or facility key stops working when what it names is removed; the code created again does not revive it", async () => {
    await seedReference(t);
    await t.json("PUT", "/v1/provinces/96", { body: { name: "Tỉnh thử" } });
    await t.json("PUT", "/v1/facilities/01099", { body: { name: "Phòng khám nhập nhầm" } });
    const provinceKey = await t.key("province", "96");
    const facilityKey = await t.key("facility", "01099");
    const neighbour = await t.key("facility", "01001");
    for (const key of [provinceKey, facilityKey]) expect((await t.call("GET", "/v1/rules", { key })).status).toBe(200);

    // No route removes reference data; an operator can, in SQL.
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM facility WHERE code = '01099'`);
    await t.db.prisma.$executeRawUnsafe(`DELETE FROM province WHERE code = '96'`);
    for (const key of [provinceKey, facilityKey]) expect((await t.call("GET", "/v1/rules", { key })).status).toBe(401);

    // The same codes, created again for someone else.
    await t.json("PUT", "/v1/provinces/96", { body: { name: "Tỉnh khác" } });
    await t.json("PUT", "/v1/facilities/01099", { body: { name: "Bệnh viện khác", provinceCode: "79" } });
    for (const key of [provinceKey, facilityKey]) expect((await t.call("GET", "/v1/rules", { key })).status).toBe(401);
    const keys = await t.db.prisma.apiKey.findMany({ where: { scope: { in: ["96", "01099"] } } });
    expect(keys.map((key) => key.revokedAt !== null)).toEqual([true, true]);
    expect((await t.call("GET", "/v1/rules", { key: neighbour })).status).toBe(200);
  });

  it("only central manages keys: other roles get 403, no key 401", async () => {
    await seedReference(t);
    const province = await t.key("province", "01");
    const facility = await t.key("facility", "01001");
    for (const key of [province, facility]) {
      expect((await t.call("GET", "/v1/keys", { key })).status).toBe(403);
      expect((await t.call("POST", "/v1/keys", { key, body: { role: "central", name: "x" } })).status).toBe(403);
    }
    expect((await t.call("GET", "/v1/keys", { key: null })).status).toBe(401);
    expect((await t.call("GET", "/v1/keys", { key: "bhyt_not-a-real-key" })).status).toBe(401);
  });

  it("refuses a scope that does not fit the role, naming the field", async () => {
    await seedReference(t);
    const cases = [
      [{ role: "province", name: "x" }, "scope", "required"],
      [{ role: "province", scope: "1", name: "x" }, "scope", "invalid_format"],
      [{ role: "province", scope: "02", name: "x" }, "scope", "unknown_province"],
      [{ role: "facility", scope: "01999", name: "x" }, "scope", "unknown_facility"],
      [{ role: "central", scope: "01", name: "x" }, "scope", "not_allowed"],
      [{ role: "auditor", name: "x" }, "role", "invalid_value"],
      [{ role: "central" }, "name", "required"],
    ] as const;
    for (const [body, path, code] of cases) {
      const res = await t.json("POST", "/v1/keys", { body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ path, code });
    }
  });

  it("revoking an unknown key is 404; revoking twice is harmless", async () => {
    expect((await t.call("DELETE", "/v1/keys/not-a-uuid")).status).toBe(404);
    expect((await t.call("DELETE", "/v1/keys/7b0e5d0a-0000-4000-8000-000000000000")).status).toBe(404);
    const { body } = await t.json("POST", "/v1/keys", { body: { role: "central", name: "ops" } });
    expect((await t.call("DELETE", `/v1/keys/${body.id}`)).status).toBe(204);
    expect((await t.call("DELETE", `/v1/keys/${body.id}`)).status).toBe(204);
  });

  it("the bootstrap key is registered once however often the service starts", async () => {
    const rows = await t.db.prisma.apiKey.findMany({ where: { name: "bootstrap" } });
    expect(rows).toHaveLength(1);
    expect((await t.call("GET", "/v1/keys", { key: CENTRAL_KEY })).status).toBe(200);
  });
});
