import { createHash, randomBytes } from "node:crypto";

/**
 * API key secrets: 32 random bytes, shown once. Only the SHA-256 is stored; a
 * slow password hash buys nothing for 256-bit random secrets and would cost
 * every request.
 */
export function generateSecret(): string {
  return `bhyt_${randomBytes(32).toString("base64url")}`;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
