/**
 * The demo's reference data: Vietnam's 34 provinces since the merger of
 * 1 July 2025 (Resolution 202/2025/QH15; codes of Decision 19/2025/QĐ-TTg),
 * the 29 old codes that now point to a successor, and facilities with names
 * like real ones. Facility codes are made up (the first two digits are the
 * province, as the domain requires); they are not the Ministry's codes.
 */
export interface DemoProvince {
  code: string;
  name: string;
  /** The share of its estimate the demo's year of claims uses: above 1 is an overrun. */
  usage: number;
}

export const MERGED_AT = "2025-07-01T00:00:00+07:00";

export const PROVINCES: DemoProvince[] = [
  { code: "01", name: "Hà Nội", usage: 1.03 },
  { code: "04", name: "Cao Bằng", usage: 0.78 },
  { code: "08", name: "Tuyên Quang", usage: 0.81 },
  { code: "11", name: "Điện Biên", usage: 0.74 },
  { code: "12", name: "Lai Châu", usage: 0.72 },
  { code: "14", name: "Sơn La", usage: 0.8 },
  { code: "15", name: "Lào Cai", usage: 0.88 },
  { code: "19", name: "Thái Nguyên", usage: 0.83 },
  { code: "20", name: "Lạng Sơn", usage: 0.79 },
  { code: "22", name: "Quảng Ninh", usage: 0.84 },
  { code: "24", name: "Bắc Ninh", usage: 0.9 },
  { code: "25", name: "Phú Thọ", usage: 0.82 },
  { code: "31", name: "Hải Phòng", usage: 0.86 },
  { code: "33", name: "Hưng Yên", usage: 0.8 },
  { code: "37", name: "Ninh Bình", usage: 0.81 },
  { code: "38", name: "Thanh Hóa", usage: 0.92 },
  { code: "40", name: "Nghệ An", usage: 0.84 },
  { code: "42", name: "Hà Tĩnh", usage: 0.77 },
  { code: "44", name: "Quảng Trị", usage: 0.76 },
  { code: "46", name: "Huế", usage: 0.8 },
  { code: "48", name: "Đà Nẵng", usage: 0.83 },
  { code: "51", name: "Quảng Ngãi", usage: 0.79 },
  { code: "52", name: "Gia Lai", usage: 0.75 },
  { code: "56", name: "Khánh Hòa", usage: 0.82 },
  { code: "66", name: "Đắk Lắk", usage: 0.84 },
  { code: "68", name: "Lâm Đồng", usage: 0.81 },
  { code: "75", name: "Đồng Nai", usage: 0.87 },
  { code: "79", name: "Hồ Chí Minh", usage: 1.06 },
  { code: "80", name: "Tây Ninh", usage: 0.8 },
  { code: "82", name: "Đồng Tháp", usage: 0.78 },
  { code: "86", name: "Vĩnh Long", usage: 0.79 },
  { code: "91", name: "An Giang", usage: 0.83 },
  { code: "92", name: "Cần Thơ", usage: 0.85 },
  { code: "96", name: "Cà Mau", usage: 0.76 },
];

/** Old code, its name before the merger, and the province it is part of since. */
export const MERGED: [code: string, name: string, successor: string][] = [
  ["02", "Hà Giang", "08"],
  ["06", "Bắc Kạn", "19"],
  ["10", "Lào Cai (cũ)", "15"],
  ["17", "Hòa Bình", "25"],
  ["26", "Vĩnh Phúc", "25"],
  ["27", "Bắc Ninh (cũ)", "24"],
  ["30", "Hải Dương", "31"],
  ["34", "Thái Bình", "33"],
  ["35", "Hà Nam", "37"],
  ["36", "Nam Định", "37"],
  ["45", "Quảng Trị (cũ)", "44"],
  ["49", "Quảng Nam", "48"],
  ["54", "Phú Yên", "66"],
  ["58", "Ninh Thuận", "56"],
  ["60", "Bình Thuận", "68"],
  ["62", "Kon Tum", "51"],
  ["64", "Gia Lai (cũ)", "52"],
  ["67", "Đắk Nông", "68"],
  ["70", "Bình Phước", "75"],
  ["72", "Tây Ninh (cũ)", "80"],
  ["74", "Bình Dương", "79"],
  ["77", "Bà Rịa - Vũng Tàu", "79"],
  ["83", "Bến Tre", "86"],
  ["84", "Trà Vinh", "86"],
  ["87", "Đồng Tháp (cũ)", "82"],
  ["89", "An Giang (cũ)", "91"],
  ["93", "Hậu Giang", "92"],
  ["94", "Sóc Trăng", "92"],
  ["95", "Bạc Liêu", "96"],
];

export interface DemoFacility {
  code: string;
  name: string;
  /** Claims it sends in a fortnight. */
  claims: number;
  /** Sends days after discharge instead of within the day: the late-submission report's subject. */
  late?: boolean;
  /** Bills far more per claim than its peers: the outlier report's subject. */
  costly?: boolean;
}

/** Every current province's general hospital, plus the large hospitals and the stories the demo tells. */
export const FACILITIES: DemoFacility[] = [
  { code: "01001", name: "Bệnh viện Bạch Mai", claims: 40 },
  { code: "01002", name: "Bệnh viện Hữu nghị Việt Đức", claims: 24, costly: true },
  { code: "01003", name: "Bệnh viện đa khoa Đức Giang", claims: 20, late: true },
  { code: "79001", name: "Bệnh viện Chợ Rẫy", claims: 40 },
  { code: "79002", name: "Bệnh viện Nhân dân 115", claims: 24 },
  { code: "74001", name: "Bệnh viện đa khoa tỉnh Bình Dương", claims: 16 },
  { code: "10001", name: "Bệnh viện đa khoa tỉnh Lào Cai", claims: 10, late: true },
  { code: "36001", name: "Bệnh viện đa khoa tỉnh Nam Định", claims: 10 },
  { code: "38002", name: "Bệnh viện Nhi Thanh Hóa", claims: 10, costly: true },
  ...PROVINCES.map((p) => ({ code: `${p.code}000`, name: `Bệnh viện đa khoa tỉnh ${p.name}`, claims: 8 })),
];
