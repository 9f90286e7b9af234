/**
 * The service's words, once: dashboard pages, CSV and XLSX headers and the API's descriptions take their domain
 * terms from here, so a column reads the same on the page, in its download and in /openapi.json. Vietnamese first
 * (the agency's own words; DOMAIN.md explains them), English beside it.
 */
import type { AssessmentAction, RuleCode } from "../assessment/rules.ts";

export type Lang = "vi" | "en";
export type Term = Readonly<Record<Lang, string>>;

const term = (vi: string, en: string): Term => ({ vi, en });

export const TERMS = {
  province: term("Tỉnh/thành", "Province"),
  provinceCode: term("Mã tỉnh", "Province code"),
  facility: term("Cơ sở KCB", "Facility"),
  facilityCode: term("Mã cơ sở KCB", "Facility code"),
  facilityName: term("Tên cơ sở KCB", "Facility name"),
  claims: term("Số hồ sơ", "Claims"),
  claim: term("Hồ sơ", "Claim"),
  claimId: term("Mã hồ sơ (MA_LK)", "Claim id (MA_LK)"),
  estimate: term("Dự toán", "Estimate"),
  spent: term("Chi phí BHYT", "Insurance spending"),
  usage: term("Tỷ lệ sử dụng dự toán", "Estimate used"),
  usageToday: term("Tỷ lệ sử dụng hiện nay", "Usage today"),
  ratioAtRaise: term("Tỷ lệ khi phát sinh", "Ratio when raised"),
  elapsed: term("Thời gian đã qua", "Year elapsed"),
  projected: term("Dự báo cuối năm", "Projected year end"),
  pendingDocumentation: term("Chờ bổ sung hồ sơ", "Pending documentation"),
  late: term("Số hồ sơ gửi muộn", "Late claims"),
  lateShare: term("Tỷ lệ gửi muộn", "Late share"),
  medianHours: term("Trung vị số giờ từ ra viện đến khi nhận", "Median hours from discharge to receipt"),
  p90Hours: term("Bách phân vị 90 số giờ từ ra viện đến khi nhận", "90th percentile hours from discharge to receipt"),
  citizenIdMismatches: term("Số hồ sơ lệch số CCCD", "Citizen-ID mismatches"),
  visitType: term("Loại hình KCB", "Visit type"),
  perClaim: term("Chi BHYT bình quân/hồ sơ", "Insured per claim"),
  score: term("Điểm bất thường", "Score"),
  assessment: term("Đánh giá", "Assessment"),
  duplicates: term("Nghi trùng", "Possible duplicates"),
  insurance: term("Quỹ BHYT thanh toán", "Insurance amount"),
  total: term("Tổng chi phí", "Total cost"),
  approved: term("Số tiền duyệt", "Approved amount"),
  month: term("Tháng", "Month"),
  year: term("Năm", "Year"),
  status: term("Trạng thái", "Status"),
  receivedAt: term("Nhận lúc", "Received at"),
  dischargedAt: term("Ra viện", "Discharged"),
  admittedAt: term("Vào viện", "Admitted"),
  missingDocuments: term("Giấy tờ còn thiếu", "Missing documents"),
  flags: term("Dấu hiệu", "Flags"),
  batch: term("Lô hồ sơ", "Batch"),
  batchId: term("Mã lô", "Batch id"),
  accepted: term("Tiếp nhận", "Accepted"),
  rejected: term("Bị từ chối", "Rejected"),
  corrected: term("Gửi lại (sửa)", "Corrected"),
  unchanged: term("Không đổi", "Unchanged"),
  field: term("Trường dữ liệu", "Field"),
  reason: term("Lý do", "Reason"),
  stuck: term("Tồn đọng", "Stuck"),
  oldestPendingSince: term("Chờ lâu nhất từ", "Oldest pending since"),
  amount: term("Số tiền", "Amount"),
  share: term("Tỷ trọng", "Share"),
  change: term("Thay đổi", "Change"),
  previousYear: term("Cùng kỳ năm trước", "Same months last year"),
  costGroup: term("Nhóm chi phí", "Cost group"),
  costGroupCode: term("Mã nhóm", "Group code"),
  category: term("Loại chi phí", "Category"),
  itemKind: term("Loại", "Kind"),
  itemCode: term("Mã", "Code"),
  itemName: term("Tên", "Name"),
  quantity: term("Số lượng", "Quantity"),
  averageUnitPrice: term("Đơn giá bình quân", "Average unit price"),
  documentType: term("Loại giấy tờ", "Document type"),
  proposed: term("Đề xuất duyệt (giám định tự động)", "Proposed (automated assessment)"),
  findings: term("Số phát hiện", "Findings"),
  claimsWithFindings: term("Số hồ sơ có phát hiện", "Claims with findings"),
  hasFindings: term("Có phát hiện giám định", "With assessment findings"),
  rule: term("Quy tắc giám định", "Assessment rule"),
  ruleCode: term("Mã quy tắc", "Rule code"),
  action: term("Cách xử lý", "Action"),
  line: term("Dòng chi phí", "Cost line"),
  cutAmount: term("Số tiền đề nghị xuất toán", "Proposed cut"),
  openCutAmount: term("Trong đó của hồ sơ chưa quyết định", "Of which on undecided claims"),
  cutPerThousand: term("Xuất toán trên 1.000 hồ sơ", "Cut per 1,000 claims"),
  peerFacilities: term("Số cơ sở khác trong tỉnh", "Other facilities of the province"),
  peersCutPerThousand: term(
    "Các cơ sở khác trong tỉnh: xuất toán trên 1.000 hồ sơ",
    "Others of the province: cut per 1,000 claims",
  ),
  ratioToPeers: term("Gấp bao nhiêu lần các cơ sở khác", "Times the others'"),
} as const;

export const VISIT_TYPE_WORDS = {
  outpatient: term("Khám bệnh ngoại trú", "Outpatient"),
  day_treatment: term("Điều trị ngoại trú/ban ngày", "Day treatment"),
  inpatient: term("Điều trị nội trú", "Inpatient"),
  emergency: term("Cấp cứu", "Emergency"),
} as const satisfies Record<string, Term>;

export const CLAIM_STATUS_WORDS = {
  accepted: term("Đã tiếp nhận", "Accepted"),
  pending_documentation: term("Chờ bổ sung hồ sơ", "Pending documentation"),
  approved: term("Đã duyệt", "Approved"),
  denied: term("Từ chối thanh toán", "Denied"),
} as const satisfies Record<string, Term>;

export const FLAG_WORDS = {
  late_submission: term("Gửi muộn", "Late submission"),
  possible_duplicate: term("Nghi trùng lượt KCB", "Possible duplicate"),
  out_of_province: term("Thẻ ngoại tỉnh", "Out of province"),
  citizen_id_mismatch: term("Lệch số CCCD", "Citizen-ID mismatch"),
  referral_unconfirmed: term("Chưa xác nhận chuyển tuyến", "Referral unconfirmed"),
  lines_mismatch: term("Chi tiết không khớp tổng", "Lines do not add up"),
} as const satisfies Record<string, Term>;

export const DOCUMENT_WORDS: Record<string, Term> = {
  discharge_paper: term("Giấy ra viện", "Discharge paper"),
  referral_paper: term("Giấy chuyển tuyến", "Referral paper"),
  surgery_certificate: term("Giấy chứng nhận phẫu thuật", "Surgery certificate"),
  death_certificate: term("Giấy báo tử", "Death certificate"),
};

export const SEVERITY_WORDS: Record<string, Term> = {
  warning: term("Cảnh báo", "Warning"),
  high: term("Cao", "High"),
  critical: term("Nghiêm trọng", "Critical"),
};

export const OUTLIER_STATUS_WORDS = {
  outlier: term("Bất thường", "Outlier"),
  within_range: term("Trong khoảng", "Within range"),
  too_few_claims: term("Quá ít hồ sơ", "Too few claims"),
  not_scored: term("Không chấm điểm", "Not scored"),
} as const satisfies Record<string, Term>;

export const PROJECTION_METHOD_WORDS = {
  chain_ladder: term("Phát triển theo độ trễ (chain-ladder)", "Chain-ladder"),
  pace: term("Theo tiến độ chi", "Pace"),
} as const satisfies Record<string, Term>;

export const ITEM_KIND_WORDS = {
  drug: term("Thuốc", "Drugs"),
  supply: term("Vật tư y tế", "Supplies"),
  service: term("Dịch vụ kỹ thuật", "Services"),
} as const satisfies Record<string, Term>;

export const CATEGORY_WORDS = {
  tests: term("Xét nghiệm, CĐHA, TDCN", "Tests and imaging"),
  drugs: term("Thuốc", "Drugs"),
  blood: term("Máu", "Blood"),
  procedures: term("Phẫu thuật, thủ thuật", "Surgery and procedures"),
  supplies: term("Vật tư y tế", "Supplies"),
  examination: term("Khám bệnh", "Examination"),
  beds: term("Ngày giường", "Bed days"),
  other: term("Khác", "Other"),
  unspecified: term("Không có chi tiết", "Sent without lines"),
} as const satisfies Record<string, Term>;

/**
 * The assessment rules' titles (rules/assessment.json gives each rule its messages, not a name): what a report or a
 * claim page calls the rule a finding comes from. Every rule the engine knows has one.
 */
export const RULE_WORDS = {
  PRICE_ABOVE_APPROVED: term("Đơn giá cao hơn giá được phê duyệt", "Unit price above the approved price"),
  NOT_IN_APPROVED_LIST: term("Không có trong danh mục được phê duyệt", "Not in the approved list"),
  ORDER_OUTSIDE_STAY: term("Y lệnh ngoài thời gian điều trị", "Ordered outside the stay"),
  EXECUTED_BEFORE_ORDER: term("Thực hiện trước khi có y lệnh", "Executed before it was ordered"),
  BED_DAYS_EXCEED_STAY: term("Số ngày giường vượt thời gian điều trị", "Bed days beyond the stay"),
  BED_IN_OUTPATIENT: term("Tính tiền giường cho khám bệnh, điều trị ngoại trú", "Bed charged to an outpatient visit"),
  BED_SHORT_STAY: term("Tính tiền giường khi thời gian điều trị quá ngắn", "Bed charged to too short a stay"),
  EXAMINATION_REPEATED_INPATIENT: term(
    "Tiền khám tính nhiều lần trong một đợt nội trú",
    "Examination fee repeated in an inpatient stay",
  ),
  SUPPLY_INCLUDED_IN_SERVICE: term("Vật tư đã có trong giá dịch vụ", "Supply already in the service's price"),
  STAFF_NOT_CERTIFIED: term("Người hành nghề chưa có chứng chỉ hành nghề", "Staff without a practising certificate"),
  MONEY_IDENTITY: term("Số tiền tổng hợp không khớp chi tiết", "Totals do not match the lines"),
} as const satisfies Record<RuleCode, Term>;

/** What a finding does to the claim. */
export const ASSESSMENT_ACTION_WORDS = {
  warn: term("Chỉ cảnh báo", "Warning only"),
  cut_excess: term("Xuất toán phần vượt", "Cut the excess"),
  cut_line: term("Xuất toán cả dòng", "Cut the line"),
  reject_claim: term("Từ chối cả hồ sơ", "Reject the claim"),
} as const satisfies Record<AssessmentAction, Term>;

/** A word of one of the tables above in a language; a code the table lacks is shown as sent. */
export function wordFor(table: Readonly<Record<string, Term>>, code: string, lang: Lang): string {
  return table[code]?.[lang] ?? code;
}

/** How an API description names a field's term on the pages and in CSV headers, in Vietnamese. */
export const termNote = (name: keyof typeof TERMS) => ` (on the dashboard and in CSV: "${TERMS[name].vi}")`;
