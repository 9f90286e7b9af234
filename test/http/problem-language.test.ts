import { describe, expect, it } from "vitest";
import { claim } from "../support/claims.ts";
import { createApp } from "../../src/app.ts";
import { CENTRAL_KEY, seedReference, useTestApp, type TestContext } from "../support/harness.ts";
import { addSpending, setEstimate } from "../support/spending.ts";

const t = useTestApp();

type Answer = { status: number; body: any; headers: Headers };
type Ask = (headers: Record<string, string>) => Promise<Answer>;

const VI = { "accept-language": "vi-VN,vi;q=0.9,en;q=0.8" };
const EN = { "accept-language": "en, vi;q=0.5" };

/**
 * Asks the same thing in Vietnamese, in English and with no Accept-Language: the two English answers are the same,
 * and the Vietnamese one differs from them only in its title, detail and messages.
 */
async function inBothLanguages(ask: Ask, status: number, code: string) {
  const [vi, en, plain] = [await ask(VI), await ask(EN), await ask({})];
  for (const [answer, lang] of [
    [vi, "vi"],
    [en, "en"],
    [plain, "en"],
  ] as const) {
    expect(answer.status).toBe(status);
    expect(answer.headers.get("content-type")).toContain("application/problem+json");
    expect(answer.headers.get("content-language")).toBe(lang);
    expect(answer.headers.get("vary")).toContain("Accept-Language");
    expect(answer.body).toMatchObject({ status, code, type: `https://bhyt-cost-control.example/problems/${code}` });
  }
  const { requestId: _en, ...english } = en.body;
  const { requestId: _plain, ...unasked } = plain.body;
  expect(unasked).toEqual(english);
  const codesOf = (body: any) => ({
    ...body,
    requestId: undefined,
    title: undefined,
    detail: undefined,
    errors: body.errors?.map((error: any) => ({ ...error, message: undefined })),
  });
  expect(codesOf(vi.body)).toEqual(codesOf(en.body));
  return { vi: vi.body, en: en.body };
}

const text = (body: any) => ({
  title: body.title,
  detail: body.detail,
  messages: body.errors?.map((error: any) => `${error.path} ${error.code}: ${error.message}`),
});

describe("problems in the language the request prefers", () => {
  it("422 with field errors: zod's bounds and a refinement's own params, numbers written the Vietnamese way", async () => {
    const { vi, en } = await inBothLanguages(
      (headers) => t.json("PUT", "/v1/provinces/01", { body: { name: "x".repeat(1201) }, headers }),
      422,
      "validation_failed",
    );
    expect(text(en)).toEqual({
      title: "Unprocessable Content",
      detail: expect.stringMatching(/^invalid body: name: /),
      messages: [expect.stringMatching(/^name too_big: /)],
    });
    expect(text(vi)).toEqual({
      title: "Nội dung không xử lý được",
      detail: "nội dung yêu cầu không hợp lệ: name: tối đa 200 ký tự",
      messages: ["name too_big: tối đa 200 ký tự"],
    });

    const key = await inBothLanguages(
      (headers) => t.json("POST", "/v1/keys", { body: { role: "province", name: "Hà Nội" }, headers }),
      422,
      "validation_failed",
    );
    expect(text(key.en).messages).toEqual(["scope required: a province key needs a scope"]);
    expect(text(key.vi)).toEqual({
      title: "Nội dung không xử lý được",
      detail: "nội dung yêu cầu không hợp lệ: scope: khóa tỉnh (province) cần có phạm vi (scope)",
      messages: ["scope required: khóa tỉnh (province) cần có phạm vi (scope)"],
    });
  });

  it("422 naming what does not exist, and a bad query parameter", async () => {
    const { vi } = await inBothLanguages(
      (headers) => t.json("POST", "/v1/keys", { body: { role: "province", scope: "99", name: "x" }, headers }),
      422,
      "validation_failed",
    );
    expect(text(vi).messages).toEqual(["scope unknown_province: tỉnh 99 không tồn tại"]);
    const query = await inBothLanguages(
      (headers) => t.json("GET", "/v1/claims?limit=501", { headers }),
      422,
      "validation_failed",
    );
    expect(text(query.vi)).toEqual({
      title: "Nội dung không xử lý được",
      detail: "tham số truy vấn không hợp lệ: limit: không được lớn hơn 500",
      messages: ["limit too_big: không được lớn hơn 500"],
    });
  });

  it("404: an object that is not there, and a path no route answers", async () => {
    const { vi, en } = await inBothLanguages(
      (headers) => t.json("GET", "/v1/provinces/99/usage?year=2026", { headers }),
      404,
      "not_found",
    );
    expect(text(en)).toEqual({ title: "Not Found", detail: "province not found", messages: undefined });
    expect(text(vi)).toEqual({ title: "Không tìm thấy", detail: "không tìm thấy tỉnh", messages: undefined });
    const route = await inBothLanguages((headers) => t.json("GET", "/v1/nowhere", { headers }), 404, "not_found");
    expect(route.vi.detail).toBe("không có đường dẫn nào khớp với yêu cầu GET này");
  });

  it("401 without a key, keeping WWW-Authenticate", async () => {
    const { vi, en } = await inBothLanguages(
      (headers) => t.json("GET", "/v1/claims", { key: null, headers }),
      401,
      "unauthorized",
    );
    expect(text(en).detail).toBe("a valid API key is required (Authorization: Bearer <key>)");
    expect(text(vi)).toEqual({
      title: "Chưa xác thực",
      detail: "cần một khóa API hợp lệ (Authorization: Bearer <khóa>)",
      messages: undefined,
    });
  });

  it("403 naming the roles an endpoint needs", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const { vi, en } = await inBothLanguages(
      (headers) => t.json("GET", "/v1/keys", { key: hospital, headers }),
      403,
      "forbidden",
    );
    expect(en.detail).toBe("this endpoint needs a central key");
    expect(text(vi)).toEqual({
      title: "Không có quyền",
      detail: "thao tác này cần khóa API trung ương (central)",
      messages: undefined,
    });
  });

  it("a batch refused whole says which batch and which facility, in Vietnamese", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const body = (claimId: string) => ({ batchId: "B-1", claims: [claim({ claimId })] });
    await t.json("POST", "/v1/batches", { key: hospital, body: body("A") });
    const { vi } = await inBothLanguages(
      (headers) => t.json("POST", "/v1/batches", { key: hospital, body: body("B"), headers }),
      409,
      "batch_conflict",
    );
    expect(vi.detail).toBe("lô B-1 đã được nhận trước đó với nội dung khác");
    const unknown = await inBothLanguages(
      (headers) => t.json("POST", "/v1/batches", { body: { ...body("C"), facilityCode: "99999" }, headers }),
      422,
      "validation_failed",
    );
    expect(text(unknown.vi).messages).toEqual(["facilityCode unknown_facility: cơ sở KCB 99999 không tồn tại"]);
  });

  it("409: an alert step out of order; 422 for a note too long, its bound written the Vietnamese way", async () => {
    const alert = await resolvedAlert(t);
    const { vi, en } = await inBothLanguages(
      (headers) => t.json("POST", `/v1/alerts/${alert}/acknowledge`, { body: { note: "again" }, headers }),
      409,
      "alert_state",
    );
    expect(en.detail).toBe("cannot acknowledge an alert that is resolved");
    expect(text(vi)).toEqual({
      title: "Xung đột",
      detail: "không thể xác nhận cảnh báo đã đóng",
      messages: undefined,
    });
    const note = await inBothLanguages(
      (headers) => t.json("POST", `/v1/alerts/${alert}/resolve`, { body: { note: "x".repeat(2001) }, headers }),
      422,
      "validation_failed",
    );
    expect(text(note.vi).messages).toEqual(["note too_big: tối đa 2.000 ký tự"]);
  });

  it("413 with the configured size; 415 with the accepted types; 405 with the methods", async () => {
    const large = await inBothLanguages(
      (headers) => t.json("PUT", "/v1/provinces/01", { body: { name: "x".repeat(1024 * 1024 + 10) }, headers }),
      413,
      "payload_too_large",
    );
    expect(text(large.vi)).toEqual({
      title: "Nội dung quá lớn",
      detail: "nội dung yêu cầu vượt quá 1 MiB",
      messages: undefined,
    });
    const type = await inBothLanguages(
      (headers) =>
        t.json("PUT", "/v1/provinces/01", { body: "name=x", headers: { ...headers, "content-type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    expect(type.vi.detail).toBe("hãy gửi nội dung dạng application/json");
    const method = await inBothLanguages(
      (headers) => t.json("DELETE", "/v1/provinces", { headers }),
      405,
      "method_not_allowed",
    );
    expect(method.vi.detail).toMatch(/^đường dẫn này chỉ nhận GET/);
  });

  it("429 with the key's budget and when to retry", async () => {
    const rules = structuredClone(t.rules);
    rules.limits.requestsPerMinute.central = 1;
    const app = createApp({ db: t.db, clock: t.clock, rules, logger: t.logger });
    const ask: Ask = async (headers) => {
      const res = await app.request("/v1/rules", { headers: { authorization: `Bearer ${CENTRAL_KEY}`, ...headers } });
      return { status: res.status, body: await res.json(), headers: res.headers };
    };
    expect((await ask({})).status).toBe(200);
    t.clock.advance(18_000);
    const { vi, en } = await inBothLanguages(ask, 429, "rate_limited");
    expect(en.detail).toBe("a central key may make 1 requests a minute; retry in 42 s");
    expect(text(vi)).toEqual({
      title: "Quá nhiều yêu cầu",
      detail: "khóa trung ương (central) được gửi tối đa 1 yêu cầu mỗi phút; thử lại sau 42 giây",
      messages: undefined,
    });
  });

  it("an XML file refused whole: the problem and the field error that repeats its code", async () => {
    await seedReference(t);
    const hospital = await t.key("facility", "01001");
    const { vi, en } = await inBothLanguages(
      (headers) =>
        t.json("POST", "/v1/batches/xml", {
          key: hospital,
          body: '<?xml version="1.0" encoding="UTF-8"?><HOSO/>',
          headers: { ...headers, "content-type": "application/xml" },
        }),
      422,
      "not_an_envelope",
    );
    expect(text(en).messages).toEqual(["HOSO not_an_envelope: must be GIAMDINHHS"]);
    expect(text(vi)).toEqual({
      title: "Nội dung không xử lý được",
      detail: "phần tử gốc phải là GIAMDINHHS (tệp hồ sơ theo Quyết định 130/4750 hoặc 4210)",
      messages: ["HOSO not_an_envelope: phải là GIAMDINHHS"],
    });
  });

  it("answers that are not problems are not translated and do not vary", async () => {
    const res = await t.call("GET", "/v1/rules", { headers: VI });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-language")).toBeNull();
    expect(res.headers.get("vary") ?? "").not.toContain("Accept-Language");
  });
});

/** An alert of province 01 that its key has resolved: acknowledging it now is out of order. */
async function resolvedAlert(test: TestContext): Promise<string> {
  await seedReference(test);
  await setEstimate(test, "01", 2025, "1000000");
  await addSpending(test, [{ provinceCode: "01", year: 2025, facilityCode: "01001", spent: "900000" }]);
  const list = await test.json("GET", "/v1/alerts");
  const id = list.body.data[0].id as string;
  const resolved = await test.json("POST", `/v1/alerts/${id}/resolve`, { body: { note: "done" } });
  expect(resolved.status).toBe(200);
  return id;
}
