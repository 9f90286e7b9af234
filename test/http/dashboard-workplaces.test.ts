import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { xlsxText } from "../support/xlsx.ts";
import { seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { drugLine } from "../support/reports.ts";

const t = useTestApp();

async function signIn(ctx: TestContext, key: string): Promise<string> {
  const res = await ctx.app.request("/dashboard/login", { method: "POST", body: new URLSearchParams({ key }) });
  expect(res.status).toBe(303);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

const get = (ctx: TestContext, path: string, cookie: string) => ctx.app.request(path, { headers: { cookie } });

/** Posts a claim page's form with the session's token (read from the page, as a browser would). */
async function post(ctx: TestContext, cookie: string, path: string, fields: Record<string, string>) {
  const html = await (await get(ctx, path.replace(/\/(decision|documents)$/, ""), cookie)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? "none";
  return ctx.app.request(path, {
    method: "POST",
    headers: { cookie },
    body: new URLSearchParams({ ...fields, _csrf: csrf }),
  });
}

/** Facility 01001 (Hà Nội) sends an outpatient claim and an inpatient stay missing its discharge paper. */
async function story(ctx: TestContext) {
  await seedReference(ctx);
  const facility = await ctx.key("facility", "01001");
  const stay = claim(
    {
      claimId: "STAY",
      visitType: "inpatient",
      admittedAt: "2026-06-10T08:00:00+07:00",
      patient: { cardNumber: "DN4013000000001" },
    },
    2,
  );
  await ctx.json("POST", "/v1/batches", {
    key: facility,
    body: { batchId: "b1", claims: [claim({ claimId: "OUT" }), stay] },
  });
  return {
    facility,
    otherFacility: await ctx.key("facility", "79001"),
    hanoi: await ctx.key("province", "01"),
    hcmc: await ctx.key("province", "79"),
  };
}

const claimOf = async (ctx: TestContext, claimId: string) =>
  (await ctx.json("GET", `/v1/claims/01001/${claimId}`)).body;

describe("deciding and documenting from the dashboard", () => {
  it("a province's reviewer decides its claims through the one decision path; others see nothing to act on", async () => {
    const k = await story(t);
    const hanoi = await signIn(t, k.hanoi);
    const refused = await post(t, hanoi, "/dashboard/claims/01001/OUT/decision", {
      outcome: "approved",
      approvedAmount: "999.999",
      reason: "ok",
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("280.000 đ");
    expect((await claimOf(t, "OUT")).status).toBe("accepted");

    const done = await post(t, hanoi, "/dashboard/claims/01001/OUT/decision", {
      outcome: "approved",
      approvedAmount: "200.000,50",
      reason: "ok",
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/dashboard/claims/01001/OUT?done=decided");
    expect(await claimOf(t, "OUT")).toMatchObject({ status: "approved", amounts: { approved: "200000.50" } });
    // The audit log and the history say who decided; the spending moved by the approval's difference.
    expect(await t.db.prisma.auditLog.count({ where: { entityId: "01001/OUT" } })).toBe(1);

    // Another province's reviewer cannot see the claim, nor post to it with their own valid token.
    const hcmc = await signIn(t, k.hcmc);
    expect((await get(t, "/dashboard/claims/01001/STAY", hcmc)).status).toBe(404);
    const html = await (await get(t, "/dashboard/claims", hcmc)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const foreign = await t.app.request("/dashboard/claims/01001/STAY/decision", {
      method: "POST",
      headers: { cookie: hcmc },
      body: new URLSearchParams({ outcome: "denied", reason: "x", _csrf: csrf }),
    });
    expect(foreign.status).toBe(404);
    expect((await claimOf(t, "STAY")).status).toBe("pending_documentation");

    // Each table of the province page downloads by its name; the backlog's age buckets are all listed, empty or not.
    const ages = await (await get(t, "/dashboard/provinces/01?year=2026&table=backlog-ages&format=csv", hanoi)).text();
    expect(ages.split("\r\n").slice(0, 2)).toEqual(["Thời gian chờ,Số hồ sơ,Số tiền", "0–30 ngày,0,0"]);
    const facilities = await get(t, "/dashboard/provinces/01?year=2026&table=facilities&format=xlsx", hanoi);
    expect(await xlsxText(await facilities.arrayBuffer())).toContain("Chi phí BHYT");
    expect((await get(t, "/dashboard/provinces/01?year=2026&table=nope&format=csv", hanoi)).status).toBe(404);
    const lines = await (await get(t, "/dashboard/claims/01001/OUT?format=csv", hanoi)).text();
    expect(lines.split("\r\n")[0]).toBe(
      "#,Nhóm chi phí,Mã · Tên,Số lượng,Đơn giá,Số tiền,Quỹ BHYT thanh toán,Ngày y lệnh",
    );
    const alerts = await (await get(t, "/dashboard/alerts?province=01&year=2026&format=csv", hanoi)).text();
    expect(alerts.split("\r\n")[0]).toBe(
      "Loại,Tỉnh/thành,Năm,Mức độ,Tỷ lệ khi phát sinh,Tỷ lệ sử dụng hiện nay,Phát sinh lúc,Trạng thái,Ghi chú",
    );

    // A hospital cannot decide its own claims.
    const hospital = await signIn(t, k.facility);
    const own = await t.app.request("/dashboard/claims/01001/STAY/decision", {
      method: "POST",
      headers: { cookie: hospital },
      body: new URLSearchParams({ outcome: "approved", reason: "x", _csrf: csrf }),
    });
    expect(own.status).toBe(403);
  });

  it("a hospital records a missing document for its own claim only, and sees its rejections in Vietnamese", async () => {
    const k = await story(t);
    const hospital = await signIn(t, k.facility);
    const blank = await post(t, hospital, "/dashboard/claims/01001/STAY/documents", {
      type: "discharge_paper",
      reference: " ",
    });
    expect(blank.status).toBe(422);
    const recorded = await post(t, hospital, "/dashboard/claims/01001/STAY/documents", {
      type: "discharge_paper",
      reference: "GRV-1",
    });
    expect(recorded.status).toBe(303);
    expect((await claimOf(t, "STAY")).status).toBe("accepted");

    const other = await signIn(t, k.otherFacility);
    expect((await get(t, "/dashboard/claims/01001/OUT", other)).status).toBe(404);
    expect((await get(t, "/dashboard/batches/b1", other)).status).toBe(404);

    await t.json("POST", "/v1/batches", {
      key: k.facility,
      body: { batchId: "b2", claims: [claim({ claimId: "BAD", patient: { cardNumber: "XX" } })] },
    });
    const rejections = await (await get(t, "/dashboard/batches/b2", hospital)).text();
    expect(rejections).toContain("claims[0].patient.cardNumber");
    expect(rejections).not.toContain("must be");
    const csv = await (await get(t, "/dashboard/batches/b2?format=csv", hospital)).text();
    // (Response.text() drops the byte-order mark.)
    expect(csv.split("\r\n")[0]).toBe("#,Mã hồ sơ (MA_LK),Trường dữ liệu,Nội dung,Mã lỗi");
  });
});

/**
 * Bạch Mai's drug list approves ITEM-A at 900. It sends FIND: ITEM-A 10 × 1000, the fund paying 8000 (800 above the
 * approved price: 8000 × 100 / 1000), and ITEM-B, not listed, paid 2000 whole: 2800 cut, 7200 proposed of 10000; and
 * OUT, without lines, in which assessment finds nothing.
 */
async function assessedStory(ctx: TestContext) {
  const k = await story(ctx);
  const catalogue = await ctx.json("PUT", "/v1/facilities/01001/catalogues/drugs", {
    body: "MA_THUOC,TEN_THUOC,DON_GIA_BH,TU_NGAY,DEN_NGAY\nITEM-A,Thuốc A,900,20250101,\n",
    headers: { "content-type": "text/csv" },
  });
  expect(catalogue.status).toBe(201);
  const found = claim(
    {
      claimId: "FIND",
      patient: { cardNumber: "DN4013000000009" },
      amounts: { total: "12000", insurance: "10000", patient: "2000", other: "0" },
      lines: [drugLine("ITEM-A", 10, 1000, 8000), drugLine("ITEM-B", 1, 2000, 2000)],
    },
    9,
  );
  const sent = await ctx.json("POST", "/v1/batches", { key: k.facility, body: { batchId: "b3", claims: [found] } });
  expect(sent.status).toBe(201);
  return k;
}

const claimIds = (html: string) => [...html.matchAll(/data-claim="([^"]+)"/g)].map((match) => match[1]);

describe("automated assessment on the dashboard", () => {
  it("the province page shows the proposed cuts by rule and by facility, each facility opening its claims with findings", async () => {
    const k = await assessedStory(t);
    const hanoi = await signIn(t, k.hanoi);
    const html = await (await get(t, "/dashboard/provinces/01?year=2026", hanoi)).text();
    expect(html).toContain("Đề nghị xuất toán của giám định tự động");
    expect(html).toMatch(/<tr data-rule="NOT_IN_APPROVED_LIST">.*?Không có trong danh mục được phê duyệt.*?2\.000 đ/s);
    expect(html).toMatch(/<tr data-rule="PRICE_ABOVE_APPROVED">.*?Xuất toán phần vượt.*?800 đ/s);
    // Bạch Mai alone has findings: 2800 over its 3 claims of the year, per 1,000 claims 933,333.33; Việt Đức has none.
    expect(html).toContain('href="/dashboard/claims?facility=01001&amp;year=2026&amp;hasFindings=true"');
    expect(html).toMatch(/data-cut-facility="01001".*?933\.333 đ/s);

    const facilities = await get(t, "/dashboard/provinces/01?year=2026&table=cuts-facilities&format=csv", hanoi);
    expect((await facilities.text()).split("\r\n").slice(0, 2)).toEqual([
      "Cơ sở KCB,Số hồ sơ,Số phát hiện,Số tiền đề nghị xuất toán,Xuất toán trên 1.000 hồ sơ," +
        "Các cơ sở khác trong tỉnh: xuất toán trên 1.000 hồ sơ,Gấp bao nhiêu lần các cơ sở khác",
      "01001 Bệnh viện Bạch Mai,3,2,2800,933333.33,,",
    ]);
    const rules = await get(t, "/dashboard/provinces/01?year=2026&table=cuts-rules&format=xlsx", hanoi);
    expect(await xlsxText(await rules.arrayBuffer())).toContain("Không có trong danh mục được phê duyệt");

    // The claims list filters by findings, on the page and through the API.
    expect(claimIds(await (await get(t, "/dashboard/claims?hasFindings=true", hanoi)).text())).toEqual(["FIND"]);
    const without = claimIds(await (await get(t, "/dashboard/claims?hasFindings=false", hanoi)).text());
    expect(without.sort()).toEqual(["OUT", "STAY"]);
    const listed = await t.json("GET", "/v1/claims?hasFindings=true");
    expect(listed.body.data.map((row: { claimId: string }) => row.claimId)).toEqual(["FIND"]);
    expect((await t.json("GET", "/v1/claims?hasFindings=maybe")).status).toBe(422);
  });

  it("the claim page lists each finding with its line, and a reviewer approves what assessment proposed", async () => {
    const k = await assessedStory(t);
    const hanoi = await signIn(t, k.hanoi);
    const html = await (await get(t, "/dashboard/claims/01001/FIND", hanoi)).text();
    expect(html).toMatch(/Đề xuất duyệt \(giám định tự động\)<\/dt><dd>7\.200 đ/);
    expect(html).toMatch(/<tr data-finding="PRICE_ABOVE_APPROVED" class="over">.*?href="#line-1">Dòng 1<\/a>.*?800 đ/s);
    expect(html).toMatch(/<tr data-finding="NOT_IN_APPROVED_LIST" class="over">.*?href="#line-2">Dòng 2<\/a>/s);
    expect(html).toContain("không có trong danh mục được phê duyệt của cơ sở KCB");
    expect(html).toMatch(/<tr id="line-2" class="over">/);
    expect(html).toContain("Duyệt theo đề xuất");
    const english = await (await get(t, "/dashboard/claims/01001/FIND?lang=en", hanoi)).text();
    expect(english).toContain("is not in the facility&#39;s approved list");
    // Nothing is proposed below the claim without findings: no such button there.
    expect(await (await get(t, "/dashboard/claims/01001/OUT", hanoi)).text()).not.toContain("Duyệt theo đề xuất");

    const approved = await post(t, hanoi, "/dashboard/claims/01001/FIND/decision", {
      outcome: "proposed",
      approvedAmount: "1",
      reason: "Theo kết quả giám định tự động",
    });
    expect(approved.status).toBe(303);
    expect(await claimOf(t, "FIND")).toMatchObject({ status: "approved", amounts: { approved: "7200" } });
  });

  it("the hospital's workplace lists its claims with findings to fix, each opening its page", async () => {
    const k = await assessedStory(t);
    const hospital = await signIn(t, k.facility);
    const html = await (await get(t, "/dashboard", hospital)).text();
    const section = html.slice(html.indexOf('id="findings"'), html.indexOf("Có hồ sơ bị từ chối"));
    expect(section).toContain("Phát hiện cần sửa");
    expect(claimIds(section)).toEqual(["FIND"]);
    expect(section).toContain('href="/dashboard/claims/01001/FIND"');
    expect(await (await get(t, "/dashboard/claims/01001/FIND", hospital)).text()).toContain("Dòng 2");
  });
});
