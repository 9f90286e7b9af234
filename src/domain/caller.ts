/**
 * Who is calling, resolved once per request from the key. Queries take the
 * caller and filter by it, so a handler cannot reach outside its scope.
 */
export type Caller =
  | { keyId: string; role: "central" }
  | { keyId: string; role: "province"; provinceCode: string }
  | { keyId: string; role: "facility"; facilityCode: string; provinceCode: string };

export type Role = Caller["role"];
