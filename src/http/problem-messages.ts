import type { FieldError } from "../domain/field-errors.ts";
import { Dec, formatMoney } from "../domain/money.ts";
import { formatBytes } from "./bytes.ts";

/**
 * What problems say to people, in English (as thrown) and in Vietnamese (this catalogue), and which of the two a
 * request asks for. `code`, `path`, `type` and `status` never change with the language: clients branch on them.
 *
 * The Vietnamese text is chosen by code. Where the English text carries specifics (a limit, a size, a province's
 * code), the thrower passes them as `params` beside it (Problem's and a field error's): the catalogue never parses
 * English. A code without params still reads right, only more generally. test/unit/problem-messages.test.ts fails
 * when a code the source can emit has no entry here.
 */

/** The languages problems are written in. */
export type Lang = "vi" | "en";

/** A specific a message mentions: a number (written the Vietnamese way), a code, a list of codes. */
export type ParamValue = string | number | boolean | readonly string[];
export type MessageParams = Readonly<Record<string, ParamValue | undefined>>;

/** A field error as a problem carries it: `params` feed its Vietnamese message and never reach the body. */
export interface ProblemFieldError extends FieldError {
  params?: MessageParams | undefined;
}

/** What a problem is made of, as far as its text goes (a Problem has all of it). */
export interface ProblemParts {
  status: number;
  code: string;
  detail: string;
  errors?: readonly ProblemFieldError[] | undefined;
  params?: MessageParams | undefined;
}

/** A problem's text in one language, as the body (or the dashboard's error page) shows it. */
export interface ProblemText {
  title: string;
  detail: string;
  errors: FieldError[];
}

type Template = (params: MessageParams) => string;

const TITLES: Record<Lang, Record<number, string>> = {
  en: {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
  },
  vi: {
    400: "Yêu cầu không hợp lệ",
    401: "Chưa xác thực",
    403: "Không có quyền",
    404: "Không tìm thấy",
    405: "Phương thức không được hỗ trợ",
    409: "Xung đột",
    413: "Nội dung quá lớn",
    415: "Kiểu nội dung không được hỗ trợ",
    422: "Nội dung không xử lý được",
    429: "Quá nhiều yêu cầu",
    500: "Lỗi máy chủ",
    503: "Dịch vụ tạm thời không khả dụng",
  },
};

/** `1234567.5` -> `1.234.567,5`: `.` groups thousands, `,` marks decimals; done on the decimal text, not a float. */
export function viNumber(value: ParamValue | undefined): string {
  const text = typeof value === "number" && Number.isFinite(value) ? new Dec(value).toString() : String(value ?? "");
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, int, frac] = match;
  return `${sign}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ".")}${frac ? `,${frac}` : ""}`;
}

/** An amount in VND: `1.000.000 đ`, two decimals when it has any (`1.234,50 đ`). */
export function viMoney(value: ParamValue | undefined): string {
  const text = String(value ?? "");
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text;
  return `${viNumber(formatMoney(text))} đ`;
}

/** A size as configured (`32 MiB`), or in bytes (`1.048.577 byte`). */
const viBytes = (bytes: ParamValue | undefined) => {
  const formatted = formatBytes(Number(bytes));
  return formatted.endsWith(" bytes") ? `${viNumber(Number(bytes))} byte` : formatted;
};

const list = (value: ParamValue | undefined, separator = ", ") =>
  Array.isArray(value) ? value.join(separator) : String(value ?? "");

/** What notFound() names, in Vietnamese. */
export const THINGS = {
  resource: "đối tượng",
  province: "tỉnh",
  facility: "cơ sở KCB",
  estimate: "dự toán",
  claim: "hồ sơ",
  alert: "cảnh báo",
  webhook: "webhook",
  key: "khóa API",
  batch: "lô",
} as const;
export type Thing = keyof typeof THINGS;

const ROLES: Record<string, string> = { central: "trung ương", province: "tỉnh", facility: "cơ sở KCB" };
const role = (value: ParamValue | undefined) => `${ROLES[String(value)] ?? String(value)} (${String(value)})`;

const ALERT_STATUSES: Record<string, string> = { open: "chưa xử lý", acknowledged: "đã xác nhận", resolved: "đã đóng" };
const ALERT_STEPS: Record<string, string> = { acknowledge: "xác nhận", resolve: "đóng" };

/** Where a request was invalid (validationProblem's `where`). */
const WHERE: Record<string, string> = {
  body: "nội dung yêu cầu",
  query: "tham số truy vấn",
  path: "tham số đường dẫn",
  header: "tiêu đề yêu cầu",
  cookie: "cookie",
  form: "biểu mẫu",
  batch: "lô",
  file: "tệp danh mục",
};

const CLAIM_STATUSES: Record<string, string> = { approved: "đã duyệt", denied: "từ chối thanh toán" };
const claimStatus = (status: ParamValue) => CLAIM_STATUSES[String(status)] ?? String(status);

const MAX_STORED = viNumber("9999999999999999.99");

/** `32 ký tự` with the bound, `mức cho phép` (the limit) without. */
const atMost = (value: ParamValue | undefined, unit: string) =>
  value === undefined ? "mức cho phép" : `${viNumber(value)} ${unit}`;

/** "; thử lại sau 42 giây" when the rate limiter said when. */
const retry = (params: MessageParams) => (params.retryIn === undefined ? "" : `; thử lại sau ${params.retryIn} giây`);

/** envelope_invalid, by which rule of the envelope failed: the problem's detail and its field's message. */
const ENVELOPE: Record<string, { detail: Template; message: Template }> = {
  facility: {
    detail: () => "tệp không ghi cơ sở KCB (THONGTINDONVI.MACSKCB)",
    message: () => "bắt buộc",
  },
  tables: {
    detail: (params) => `một HOSO có hơn ${viNumber(params.max)} FILEHOSO`,
    message: () => "quá nhiều FILEHOSO",
  },
  count_format: {
    detail: () => "SOLUONGHOSO phải là một số",
    message: () => "phải là một số",
  },
  empty: {
    detail: () => "tệp không có HOSO nào (THONGTINHOSO.DANHSACHHOSO.HOSO)",
    message: () => "cần ít nhất một HOSO",
  },
  count: {
    detail: (params) =>
      `SOLUONGHOSO ghi ${viNumber(params.declared)} hồ sơ nhưng tệp có ${viNumber(params.found)} hồ sơ`,
    message: (params) => `phải bằng số HOSO (${viNumber(params.found)})`,
  },
};
const envelope = (part: "detail" | "message"): Template => {
  return (params) => ENVELOPE[String(params.reason)]?.[part](params) ?? "tệp GIAMDINHHS không hợp lệ";
};

/** xml_encoding, by where the bytes were not UTF-8. */
const XML_ENCODING: Record<string, Template> = {
  declared: (params) => `tệp XML khai báo bảng mã "${params.encoding}"; chỉ chấp nhận UTF-8`,
  body: (params) => `nội dung không phải UTF-8 (gần byte ${viNumber(params.byte)})`,
  document: (params) => `tài liệu trong ${params.where} không phải UTF-8`,
  truncated: () => "nội dung kết thúc giữa một chuỗi byte UTF-8",
};

const FORBIDDEN: Record<string, Template> = {
  own_facility: () => "khóa cơ sở KCB chỉ gửi lô của chính cơ sở mình",
  own_province_alerts: () => "khóa tỉnh chỉ đăng ký nhận cảnh báo của chính tỉnh mình",
  envelope_facility: (params) =>
    `tệp là của cơ sở KCB ${params.envelope} (MACSKCB); yêu cầu này dành cho ${params.requested}`,
};

/** The Vietnamese detail of each problem code. */
export const VI_PROBLEM_DETAILS: Readonly<Record<string, Template>> = {
  alert_state: (params) =>
    params.step && params.status
      ? `không thể ${ALERT_STEPS[String(params.step)] ?? params.step} cảnh báo ` +
        `${ALERT_STATUSES[String(params.status)] ?? params.status}`
      : "cảnh báo không ở trạng thái cho phép bước này",
  amount_out_of_range: () => `một số tiền, hoặc tổng mà nó cộng vào, vượt quá ${MAX_STORED}`,
  batch_conflict: (params) => `lô ${params.batchId ?? "này"} đã được nhận trước đó với nội dung khác`,
  claim_already_decided: (params) =>
    params.status
      ? `hồ sơ này đã có quyết định giám định: ${claimStatus(params.status)}`
      : "hồ sơ này đã có quyết định giám định (đã duyệt hoặc từ chối thanh toán)",
  claims_rate_limited: (params) =>
    params.limit === undefined
      ? `cơ sở KCB đã gửi hết số hồ sơ được phép trong phút này${retry(params)}`
      : `cơ sở KCB ${params.facility} chỉ được gửi ${viNumber(params.limit)} hồ sơ mỗi phút; lô này sẽ nâng tổng ` +
        `lên ${viNumber(params.used)} hồ sơ${retry(params)}`,
  compression_ratio_too_high: (params) =>
    params.ratio === undefined
      ? "nội dung giải nén ra lớn hơn mức cho phép; hãy gửi không nén"
      : `nội dung giải nén ra lớn hơn ${viNumber(params.ratio)} lần (${viNumber(params.inflated)} byte từ ` +
        `${viNumber(params.compressed)} byte); hãy gửi không nén`,
  cross_site: () => "biểu mẫu chỉ được gửi từ chính các trang của trang web này",
  database_unavailable: () => "cơ sở dữ liệu hiện không phản hồi; hãy thử lại sau",
  documents_missing: (params) => `hồ sơ vẫn còn thiếu giấy tờ${params.missing ? `: ${list(params.missing)}` : ""}`,
  envelope_invalid: envelope("detail"),
  forbidden: (params) =>
    params.roles
      ? `thao tác này cần khóa API ${Array.isArray(params.roles) ? params.roles.map(role).join(" hoặc ") : ""}`
      : (FORBIDDEN[String(params.reason)]?.(params) ?? "vai trò của khóa API này không được phép làm việc này"),
  http_error: () => "yêu cầu bị từ chối",
  invalid_base64: (params) => `NOIDUNGFILE của ${params.where ?? "một FILEHOSO"} không phải base64 hợp lệ`,
  invalid_content_encoding: () => "nội dung không phải gzip hợp lệ (Content-Encoding: gzip)",
  invalid_text: () => "một trường văn bản chứa ký tự NUL (\\u0000), không thể lưu",
  malformed_json: () => "nội dung yêu cầu không phải JSON hợp lệ",
  method_not_allowed: (params) =>
    params.methods ? `đường dẫn này chỉ nhận ${list(params.methods)}` : "đường dẫn này không nhận phương thức này",
  not_an_envelope: (params) =>
    params.reason === "empty"
      ? "nội dung yêu cầu trống"
      : "phần tử gốc phải là GIAMDINHHS (tệp hồ sơ theo Quyết định 130/4750 hoặc 4210)",
  not_found: (params) =>
    params.method
      ? `không có đường dẫn nào khớp với yêu cầu ${params.method} này`
      : `không tìm thấy ${THINGS[params.what as Thing] ?? THINGS.resource}`,
  payload_too_large: (params) =>
    params.bytes === undefined ? "nội dung yêu cầu quá lớn" : `nội dung yêu cầu vượt quá ${viBytes(params.bytes)}`,
  rate_limited: (params) =>
    params.limit === undefined
      ? `khóa API này đã dùng hết số yêu cầu được phép trong phút này${retry(params)}`
      : `khóa ${role(params.role)} được gửi tối đa ${viNumber(params.limit)} yêu cầu mỗi phút${retry(params)}`,
  too_many_claims: (params) =>
    params.max === undefined
      ? "lô có nhiều hồ sơ hơn mức cho phép"
      : `một lô có tối đa ${viNumber(params.max)} hồ sơ; lô này có ${viNumber(params.count)}`,
  too_many_rows: (params) =>
    params.max === undefined
      ? "tệp danh mục có nhiều dòng hơn mức cho phép"
      : `một tệp danh mục có tối đa ${viNumber(params.max)} dòng`,
  too_many_failed_authentications: (params) =>
    `quá ${params.limit === undefined ? "nhiều" : viNumber(params.limit)} lần xác thực thất bại mỗi phút từ máy ` +
    `khách này${retry(params)}`,
  unauthorized: () => "cần một khóa API hợp lệ (Authorization: Bearer <khóa>)",
  unsupported_media_type: (params) => {
    if (params.reason === "encoding") return "Content-Encoding chỉ được là gzip hoặc không có";
    if (!params.types) return "kiểu nội dung này không được chấp nhận";
    return `hãy gửi nội dung dạng ${list(params.types, " hoặc ")}${params.utf8 ? " bằng UTF-8" : ""}`;
  },
  validation_failed: (params) =>
    `${WHERE[String(params.where)] ?? "dữ liệu"} không hợp lệ` +
    (params.firstPath === undefined ? "" : `: ${params.firstPath}: ${params.firstMessage}`),
  value_out_of_range: () => "một ngày hoặc thời điểm vượt ngoài phạm vi lưu trữ được",
  xml_doctype_forbidden: () => "không được dùng DOCTYPE (không DTD, thực thể ngoài hay định nghĩa thực thể)",
  xml_encoding: (params) => XML_ENCODING[String(params.reason)]?.(params) ?? "nội dung không phải UTF-8",
  xml_malformed: () => "tệp không phải XML hợp lệ",
  xml_node_too_large: (params) => `một thẻ hoặc nút văn bản dài quá ${atMost(params.chars, "ký tự")}`,
  xml_time_limit: (params) => `đọc tệp mất quá ${atMost(params.seconds, "giây")}; hãy chia thành các tệp nhỏ hơn`,
  xml_too_deep: (params) => `các phần tử lồng nhau sâu quá ${atMost(params.depth, "cấp")}`,
};

/** zod's `expected` of invalid_type. */
const TYPES: Record<string, string> = {
  string: "chuỗi ký tự",
  number: "số",
  int: "số nguyên",
  bigint: "số nguyên",
  boolean: "true hoặc false",
  object: "đối tượng JSON",
  array: "mảng",
  date: "ngày",
  null: "null",
};

/** zod's `format` of invalid_format. */
const FORMATS: Record<string, string> = {
  datetime: "thời điểm theo RFC 3339, ví dụ 2026-03-01T11:00:00+07:00",
  date: "ngày dạng YYYY-MM-DD",
  uuid: "UUID",
  url: "URL",
  email: "địa chỉ email",
};

/** What a too_big or too_small bound counts, by zod's `origin`. */
const UNITS: Record<string, string> = { string: "ký tự", array: "phần tử", set: "phần tử", file: "byte" };

/** too_big / too_small: a length (`tối đa 2.000 ký tự`), a range of lengths, or a number's bound. */
function bound(params: MessageParams, side: "maximum" | "minimum"): string {
  const unit = UNITS[String(params.origin)];
  const value = viNumber(params[side]);
  if (params.minimum !== undefined && params.maximum !== undefined && unit)
    return `phải có từ ${viNumber(params.minimum)} đến ${viNumber(params.maximum)} ${unit}`;
  if (params[side] === undefined) return side === "maximum" ? "quá lớn" : "quá nhỏ";
  if (side === "minimum" && unit === "ký tự" && params.minimum === 1) return "không được để trống";
  if (params.exact) return `phải có đúng ${value} ${unit ?? ""}`.trimEnd();
  if (unit) return side === "maximum" ? `tối đa ${value} ${unit}` : `cần ít nhất ${value} ${unit}`;
  return numberBound(value, side, params.inclusive !== false);
}

/** A number's bound: `không được lớn hơn 500`, `phải lớn hơn 0`. */
function numberBound(value: string, side: "maximum" | "minimum", inclusive: boolean): string {
  if (side === "maximum") return inclusive ? `không được lớn hơn ${value}` : `phải nhỏ hơn ${value}`;
  return inclusive ? `không được nhỏ hơn ${value}` : `phải lớn hơn ${value}`;
}

const INVALID_CHARACTERS: Record<string, string> = {
  utf8: "tệp không phải UTF-8",
  nul: "chứa ký tự NUL (U+0000)",
  surrogate: "chứa một nửa cặp thay thế UTF-16 (surrogate) đứng lẻ",
};

/** malformed_csv, by what is wrong with the file's CSV. */
const MALFORMED_CSV: Record<string, Template> = {
  unclosed_quote: () => "không phải CSV hợp lệ: dấu ngoặc kép mở mà không đóng",
  stray_quote: () => "không phải CSV hợp lệ: dấu ngoặc kép trong một trường không được đặt trong ngoặc kép",
  after_quote: () => "không phải CSV hợp lệ: có ký tự sau dấu ngoặc kép đóng",
  columns: (params) => `có ${viNumber(params.found)} trường; dòng tiêu đề có ${viNumber(params.expected)}`,
  duplicate_column: () => "dòng tiêu đề ghi cột này hai lần",
};

/** The message of a field error coded invalid_format: by zod's format, or by what the thrower says it must be. */
function format(params: MessageParams): string {
  if (params.digits !== undefined) return `phải là mã ${role(params.role)} gồm ${params.digits} chữ số`;
  const expected = FORMATS[String(params.format)];
  return expected ? `phải là ${expected}` : "không đúng định dạng";
}

/** The Vietnamese message of each field-error code. */
export const VI_FIELD_MESSAGES: Readonly<Record<string, Template>> = {
  amount_out_of_range: () => `các số tiền gửi lên sẽ làm một tổng đã lưu vượt quá ${MAX_STORED}`,
  amounts_do_not_add_up: () => "total phải bằng đúng insurance + patient + other",
  amounts_inconsistent: () => "T_BHTT phải bằng T_TONGCHI_BH - T_BNCCT",
  birth_after_discharge: () => "birthDate sau dischargedAt",
  claim_already_decided: () => "hồ sơ này đã có quyết định giám định",
  dates_out_of_order: () => "dischargedAt trước admittedAt",
  discharge_in_future: () => "dischargedAt ở tương lai",
  duplicate_in_batch: () => "mã hồ sơ này đã xuất hiện trước đó trong cùng lô",
  duplicate_table: () => "một HOSO chỉ có một bảng tổng hợp (XML1)",
  envelope_invalid: envelope("message"),
  estimate_below_zero: (params) =>
    params.total === undefined ? "tổng dự toán không được âm" : `tổng dự toán sẽ thành ${viMoney(params.total)}`,
  exceeds_claimed: (params) =>
    params.limit === undefined
      ? "không được vượt quá số tiền quỹ BHYT được đề nghị thanh toán"
      : `không được vượt quá ${viMoney(params.limit)}`,
  ends_before_start: (params) =>
    params.from && params.to ? `${params.to} trước ${params.from}` : "ngày kết thúc trước ngày bắt đầu",
  facility_mismatch: (params) =>
    params.expected
      ? `phải là ${params.expected}, cơ sở KCB được nạp danh mục, hoặc để trống`
      : "hồ sơ ghi một cơ sở KCB khác với cơ sở KCB của tệp",
  forbidden_target: (params) =>
    params.why === "unresolved"
      ? `không phân giải được tên ${params.host}`
      : `${params.host ?? "URL"} trỏ tới nơi webhook không được gọi tới (chính máy này hoặc mạng nội bộ)`,
  has_predecessors: (params) =>
    params.predecessors
      ? `tỉnh ${list(params.predecessors)} đã sáp nhập vào ${params.province}: hãy ghi nhận việc sáp nhập của ` +
        "các tỉnh đó vào tỉnh kế thừa mới trước"
      : "có tỉnh khác đã sáp nhập vào tỉnh này",
  invalid: () => "không hợp lệ",
  invalid_base64: () => "không phải base64 hợp lệ",
  invalid_characters: (params) =>
    `${params.fieldName ? "tên trường " : ""}${INVALID_CHARACTERS[String(params.reason)] ?? "chứa ký tự không hợp lệ"}`,
  invalid_date: (params) => `${params.column ?? "ngày"} phải là ngày dạng yyyymmdd, ví dụ 20260101`,
  invalid_cursor: () => "không phải con trỏ trang (cursor) do dịch vụ này cấp",
  invalid_element: () => "có phần tử không hợp lệ",
  invalid_format: format,
  invalid_key: () => "có khóa (key) không hợp lệ",
  invalid_money: (params) =>
    params.signed
      ? 'phải là số tiền có tối đa 2 chữ số thập phân, ví dụ "-5000000"'
      : 'phải là số tiền không âm, có tối đa 2 chữ số thập phân, ví dụ "280000" (số tiền từ 90 nghìn tỷ trở lên ' +
        "hãy gửi dạng chuỗi)",
  invalid_number: () => 'phải là số >= 0 có tối đa 3 chữ số thập phân, ví dụ "1.5"',
  invalid_type: (params) => (TYPES[String(params.expected)] ? `phải là ${TYPES[String(params.expected)]}` : "sai kiểu"),
  invalid_union: () => "không khớp với dạng nào được chấp nhận",
  invalid_value: (params) => {
    if (params.reason === "self") return "phải khác mã của chính tỉnh này";
    return params.values ? `phải là một trong: ${list(params.values)}` : "giá trị không được chấp nhận";
  },
  lines_mismatch: () => "các dòng chi phí cộng lại không khớp với tổng",
  malformed_csv: (params) => MALFORMED_CSV[String(params.reason)]?.(params) ?? "không phải CSV hợp lệ (RFC 4180)",
  not_allowed: (params) =>
    params.role ? `khóa ${role(params.role)} không có phạm vi (scope)` : "không được gửi trường này",
  not_an_envelope: (params) => (params.reason === "empty" ? "bắt buộc" : "phải là GIAMDINHHS"),
  not_multiple_of: (params) =>
    params.divisor === undefined ? "không phải bội số được yêu cầu" : `phải là bội số của ${viNumber(params.divisor)}`,
  out_of_range: () => "nằm ngoài khoảng cho phép",
  overlapping_validity: (params) =>
    `thời gian hiệu lực trùng với ${params.line === undefined ? "một dòng khác" : `dòng ${params.line}`} của cùng ` +
    (params.bid ? "mã và cùng thông tin thầu (TT_THAU)" : "mã"),
  patient_identifier_required: () => "cần ít nhất một trong hai trường cardNumber và citizenId",
  received_in_future: () => "receivedAt ở tương lai",
  required: (params) => {
    if (params.role) return `khóa ${role(params.role)} cần có phạm vi (scope)`;
    return params.column ? `bắt buộc (cột ${params.column})` : "bắt buộc";
  },
  successor_merged: (params) =>
    params.successor
      ? `tỉnh ${params.province} đã sáp nhập vào ${params.successor}: hãy ghi tỉnh đó`
      : "tỉnh kế thừa này đã sáp nhập vào tỉnh khác",
  too_big: (params) => bound(params, "maximum"),
  too_deep: (params) => `lồng nhau sâu quá ${atMost(params.depth, "cấp")}`,
  too_small: (params) => bound(params, "minimum"),
  unexpected_root: () => "phần tử gốc của tài liệu XML1 phải là TONG_HOP",
  unknown_cost_group: () => "nhóm chi phí không xác định",
  unknown_document_type: (params) =>
    `loại giấy tờ không xác định${params.allowed ? `; được phép: ${list(params.allowed)}` : ""}`,
  unknown_facility: (params) =>
    params.facility ? `cơ sở KCB ${params.facility} không tồn tại` : "không có cơ sở KCB này",
  unknown_field: () => "trường không được chấp nhận",
  unknown_province: (params) => (params.province ? `tỉnh ${params.province} không tồn tại` : "không có tỉnh này"),
  unknown_standard: () =>
    "không phải bảng tổng hợp theo Quyết định 130/4750 (MA_THE_BHYT, MA_BENH_CHINH, T_TONGCHI_BV) hoặc 4210 " +
    "(MA_THE, MA_BENH, T_TONGCHI)",
  value_out_of_range: () => "ngày hoặc thời điểm nằm ngoài phạm vi lưu trữ được",
  xml_doctype_forbidden: () => "không được dùng DOCTYPE",
  xml_encoding: () => "phải là UTF-8",
  xml_malformed: () => "không phải XML hợp lệ",
  xml_node_too_large: (params) =>
    params.chars === undefined ? "nút quá lớn" : `nút dài quá ${viNumber(params.chars)} ký tự`,
  xml_too_deep: (params) => `lồng nhau sâu quá ${atMost(params.depth, "cấp")}`,
};

/** A field error in a language, without its params (the body's shape). */
export function fieldText(error: ProblemFieldError, lang: Lang): FieldError {
  const { params, ...shown } = error;
  if (lang === "en") return shown;
  return { ...shown, message: VI_FIELD_MESSAGES[error.code]?.(params ?? {}) ?? "không hợp lệ" };
}

/**
 * A problem's title, detail and field errors in a language: English is the problem as thrown; Vietnamese comes from
 * the catalogue. The dashboard's error page renders problems with it too.
 */
export function problemText(problem: ProblemParts, lang: Lang): ProblemText {
  const errors = (problem.errors ?? []).map((error) => fieldText(error, lang));
  const title = TITLES[lang][problem.status] ?? (lang === "vi" ? "Lỗi" : "Error");
  if (lang === "en") return { title, detail: problem.detail, errors };
  const first = errors[0];
  // A validation problem's detail names its first field, as the English one does.
  const params =
    problem.code === "validation_failed" && first
      ? { ...problem.params, firstPath: first.path, firstMessage: first.message }
      : (problem.params ?? {});
  return { title, detail: VI_PROBLEM_DETAILS[problem.code]?.(params) ?? title.toLowerCase(), errors };
}

/** One language range of Accept-Language with its weight and place; null when the entry is malformed. */
function languageRange(entry: string, order: number): { range: string; weight: number; order: number } | null {
  const [range = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
  if (!/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(range)) return null;
  let weight = 1;
  for (const parameter of parameters) {
    if (!parameter.startsWith("q=")) continue;
    if (!/^q=(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(parameter)) return null;
    weight = Number(parameter.slice(2));
  }
  return { range, weight, order };
}

/** How a range matches a language: exactly (3), a subtag of it (`vi-VN`: 2), any (`*`: 1), not (0). */
const specificity = (range: string, lang: Lang) =>
  range === lang ? 3 : range.startsWith(`${lang}-`) ? 2 : range === "*" ? 1 : 0;

/** A language's weight in the header: that of its most specific range (the highest among equals), and its place. */
function weightOf(ranges: { range: string; weight: number; order: number }[], lang: Lang) {
  let best = { specificity: 0, weight: 0, order: Infinity };
  for (const { range, weight, order } of ranges) {
    const matched = specificity(range, lang);
    if (matched > best.specificity || (matched === best.specificity && matched > 0 && weight > best.weight))
      best = { specificity: matched, weight, order };
  }
  return best;
}

/**
 * The language to answer in (RFC 9110 12.5.4): Vietnamese when Accept-Language weighs it above English, or equal
 * and listed first; English otherwise, and when the header is absent or names neither.
 */
export function preferredLang(header: string | null | undefined): Lang {
  if (!header) return "en";
  const ranges = header
    .split(",")
    .map((entry, order) => languageRange(entry, order))
    .filter((range) => range !== null);
  const vi = weightOf(ranges, "vi");
  const en = weightOf(ranges, "en");
  const prefersVi = vi.weight > en.weight || (vi.weight === en.weight && vi.order < en.order);
  return vi.weight > 0 && prefersVi ? "vi" : "en";
}
