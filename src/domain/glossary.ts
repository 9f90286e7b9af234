/**
 * The service's words, once: dashboard pages, CSV and XLSX headers and the API's descriptions take their domain
 * terms from here, so a column reads the same on the page, in its download and in /openapi.json. Vietnamese first
 * (the agency's own words; DOMAIN.md explains them), English beside it.
 */
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

/** A word of one of the tables above in a language; a code the table lacks is shown as sent. */
export function wordFor(table: Readonly<Record<string, Term>>, code: string, lang: Lang): string {
  return table[code]?.[lang] ?? code;
}

/** How an API description names a field's term on the pages and in CSV headers, in Vietnamese. */
export const termNote = (name: keyof typeof TERMS) => ` (on the dashboard and in CSV: "${TERMS[name].vi}")`;
