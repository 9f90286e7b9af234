import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { issueCode } from "../../src/domain/field-errors.ts";
import { Problem } from "../../src/http/problem.ts";
import {
  preferredLang,
  problemText,
  VI_FIELD_MESSAGES,
  VI_PROBLEM_DETAILS,
  viMoney,
  viNumber,
} from "../../src/http/problem-messages.ts";
import { refuse } from "../../src/xml/wellformed.ts";
import { deserializeError, serializeError } from "../../src/xml/threads-protocol.ts";
import { emittedCodes, noCodes, scanSource } from "../support/problem-codes.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Every zod issue code: a code zod adds fails the type check here until it is listed. */
const ZOD_ISSUE_CODES: Record<z.core.$ZodIssue["code"], true> = {
  invalid_type: true,
  too_big: true,
  too_small: true,
  invalid_format: true,
  not_multiple_of: true,
  unrecognized_keys: true,
  invalid_union: true,
  invalid_key: true,
  invalid_element: true,
  invalid_value: true,
  custom: true,
};

/** The field codes zod's issues become (issueCode, the one mapping), a missing field and a bare custom issue too. */
function zodFieldCodes(): Set<string> {
  const codes = new Set<string>();
  for (const code of Object.keys(ZOD_ISSUE_CODES)) {
    const issue = { code, path: [], message: "", input: 1, keys: ["x"] } as unknown as z.core.$ZodIssue;
    codes.add(issueCode(issue));
  }
  codes.add(issueCode({ code: "invalid_type", path: [], message: "", input: undefined } as never));
  return codes;
}

describe("Accept-Language", () => {
  it.each([
    ["vi", "vi"],
    ["vi-VN", "vi"],
    ["VI-vn", "vi"],
    ["vi;q=0.9, en;q=0.8", "vi"],
    ["vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"],
    ["fr, vi;q=0.1", "vi"],
    ["vi, en", "vi"],
    ["vi , *;q=0.5", "vi"],
    ["en, vi;q=0.5", "en"],
    ["en-US,en;q=0.9,vi;q=0.8", "en"],
    ["en;q=0.5, vi;q=0.5", "en"],
    ["*", "en"],
    ["*;q=0.5, vi;q=0.4", "en"],
    ["vi;q=0", "en"],
    ["vi;q=0, *", "en"],
    ["vi;q=abc", "en"],
    ["vi;q=1.5", "en"],
    ["vie", "en"],
    ["fr-FR, de", "en"],
    ["", "en"],
    [undefined, "en"],
    [";;,,", "en"],
  ] as const)("%j answers in %s", (header, lang) => {
    expect(preferredLang(header)).toBe(lang);
  });
});

describe("the Vietnamese catalogue", () => {
  const emitted = emittedCodes(ROOT);
  const zodCodes = zodFieldCodes();

  it("has a detail for every problem code the source can emit", () => {
    expect(emitted.problem.size).toBeGreaterThan(30);
    const missing = [...emitted.problem].filter(([code]) => !(code in VI_PROBLEM_DETAILS));
    expect(missing.map(([code, where]) => `${code} (${where.join(", ")})`)).toEqual([]);
  });

  it("has a message for every field-error code the source can emit, zod's included", () => {
    expect(emitted.field.size).toBeGreaterThan(30);
    const codes = new Set([...emitted.field.keys(), ...zodCodes]);
    expect([...codes].filter((code) => !(code in VI_FIELD_MESSAGES))).toEqual([]);
  });

  it("finds every code where it is made: a code that is neither a literal nor passed on is a new way to make one", () => {
    expect(emitted.unexplained).toEqual([]);
  });

  it("holds no entry for a code nothing emits", () => {
    expect(Object.keys(VI_PROBLEM_DETAILS).filter((code) => !emitted.problem.has(code))).toEqual([]);
    expect(Object.keys(VI_FIELD_MESSAGES).filter((code) => !emitted.field.has(code) && !zodCodes.has(code))).toEqual(
      [],
    );
  });

  it("reads without params: each entry has a general sentence for a thrower that passes none", () => {
    for (const catalogue of [VI_PROBLEM_DETAILS, VI_FIELD_MESSAGES])
      for (const [code, template] of Object.entries(catalogue)) {
        const text = template({});
        expect(text.trim(), code).not.toBe("");
        // No hole where a param would have gone: "undefined", a double space, empty parentheses, a dangling colon.
        expect(text, code).not.toMatch(/undefined|NaN|\[object| {2}|\( | \)|\(\)|:$| $/);
      }
  });
});

describe("the code scanner", () => {
  const scan = (text: string) => {
    const out = noCodes();
    scanSource("src/example.ts", text, out);
    return out;
  };

  it("finds codes however the call is laid out, in conditionals, field errors and zod params", () => {
    const out = scan(`
      import { conflict } from "./http/problem.ts";
      throw new Problem(
        418,
        "teapot",
        "short and stout",
      );
      conflict("taken", "someone has it");
      errors.push({ path: "a", code: long ? "too_long" : "too_short", message: "m" });
      ctx.addIssue({ code: "custom", params: { code: "odd" }, message: "m" });
      z.object({ path: Text, code: Text, message: Text });
      orderBy({ code: "asc" });
    `);
    expect([...out.problem.keys()].sort()).toEqual(["taken", "teapot"]);
    expect([...out.field.keys()].sort()).toEqual(["odd", "too_long", "too_short"]);
    expect(out.problem.get("teapot")).toEqual(["src/example.ts:3"]);
    expect(out.unexplained).toEqual([]);
  });

  it("reports a code made some other way, and leaves alone a call named like a forwarder it does not import", () => {
    const out = scan(`
      const code = pick();
      throw new Problem(400, code, "computed");
      refuse(index, errors);
    `);
    expect(out.unexplained).toEqual(["src/example.ts:3: code"]);
  });
});

describe("problem text", () => {
  const problem = new Problem(
    422,
    "validation_failed",
    "invalid body: approvedAmount: may not exceed 1000000",
    [
      {
        path: "approvedAmount",
        code: "exceeds_claimed",
        message: "may not exceed 1000000",
        params: { limit: "1000000" },
      },
    ],
    undefined,
    { where: "body" },
  );

  it("is the problem as thrown in English, without params", () => {
    expect(problemText(problem, "en")).toEqual({
      title: "Unprocessable Content",
      detail: "invalid body: approvedAmount: may not exceed 1000000",
      errors: [{ path: "approvedAmount", code: "exceeds_claimed", message: "may not exceed 1000000" }],
    });
  });

  it("is the catalogue's in Vietnamese, numbers written the Vietnamese way, codes and paths unchanged", () => {
    expect(problemText(problem, "vi")).toEqual({
      title: "Nội dung không xử lý được",
      detail: "nội dung yêu cầu không hợp lệ: approvedAmount: không được vượt quá 1.000.000 đ",
      errors: [{ path: "approvedAmount", code: "exceeds_claimed", message: "không được vượt quá 1.000.000 đ" }],
    });
  });

  it("renders the body in the language asked, English by default", () => {
    expect(problem.body("r1")).toMatchObject({ title: "Unprocessable Content", code: "validation_failed" });
    expect(problem.body("r1", "vi")).toMatchObject({ title: "Nội dung không xử lý được", code: "validation_failed" });
    expect(JSON.stringify(problem.body("r1", "vi"))).not.toContain("params");
  });

  it("keeps its params when it crosses from an XML worker thread", () => {
    const refused = refuse(413, "xml_node_too_large", "over", "HOSO[0]", "node too large", { chars: 67108864 });
    const crossed = deserializeError(structuredClone(serializeError(refused))) as Problem;
    expect(problemText(crossed, "vi")).toEqual(problemText(refused, "vi"));
    expect(problemText(crossed, "vi").detail).toBe("một thẻ hoặc nút văn bản dài quá 67.108.864 ký tự");
    expect(problemText(crossed, "vi").errors[0]!.message).toBe("nút dài quá 67.108.864 ký tự");
  });

  it("writes numbers and amounts the Vietnamese way", () => {
    expect(viNumber(1234567)).toBe("1.234.567");
    expect(viNumber(16.3)).toBe("16,3");
    expect(viNumber("9999999999999999.99")).toBe("9.999.999.999.999.999,99");
    expect(viNumber(-5000)).toBe("-5.000");
    expect(viMoney("-5000000")).toBe("-5.000.000 đ");
    expect(viMoney("1234.5")).toBe("1.234,50 đ");
    expect(viMoney("1000000.00")).toBe("1.000.000 đ");
  });

  it("says the specifics a thrower passes, and falls back to a general sentence by status for an unknown code", () => {
    const tooLarge = new Problem(413, "payload_too_large", "over", undefined, undefined, { bytes: 32 * 1024 ** 2 });
    expect(problemText(tooLarge, "vi").detail).toBe("nội dung yêu cầu vượt quá 32 MiB");
    const odd = new Problem(413, "payload_too_large", "over", undefined, undefined, { bytes: 1048577 });
    expect(problemText(odd, "vi").detail).toBe("nội dung yêu cầu vượt quá 1.048.577 byte");
    const limited = new Problem(429, "rate_limited", "x", undefined, undefined, {
      role: "facility",
      limit: 1200,
      retryIn: 42,
    });
    expect(problemText(limited, "vi").detail).toBe(
      "khóa cơ sở KCB (facility) được gửi tối đa 1.200 yêu cầu mỗi phút; thử lại sau 42 giây",
    );
    expect(problemText(new Problem(409, "never_heard_of", "x"), "vi")).toEqual({
      title: "Xung đột",
      detail: "xung đột",
      errors: [],
    });
  });
});
