import { describe, expect, it } from "vitest";
import { bodyLimitsOf, ConfigError, loadConfig } from "../../src/config.ts";

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain("\n");
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe("configuration from the environment", () => {
  it("defaults to the embedded database in ./.data, port 8787 and ./rules", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      DATA_DIR: "./.data",
      PORT: 8787,
      RULES_DIR: "./rules",
      MARK_STUCK_INTERVAL_SECONDS: 3600,
      LOG_LEVEL: "info",
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.BOOTSTRAP_CENTRAL_KEY).toBeUndefined();
  });

  it("reads every variable it knows and ignores the rest of the environment", () => {
    const config = loadConfig({
      DATABASE_URL: "postgresql://app@db.internal:5432/bhyt",
      DATA_DIR: "/var/lib/bhyt",
      PORT: "18080",
      RULES_DIR: "/etc/bhyt/rules",
      BOOTSTRAP_CENTRAL_KEY: "a-long-enough-secret",
      MARK_STUCK_INTERVAL_SECONDS: "0",
      LOG_LEVEL: "warn",
      HOME: "/root",
    });
    expect(config).not.toHaveProperty("HOME");
    expect(config).toMatchObject({
      DATABASE_URL: "postgresql://app@db.internal:5432/bhyt",
      DATA_DIR: "/var/lib/bhyt",
      PORT: 18080,
      RULES_DIR: "/etc/bhyt/rules",
      BOOTSTRAP_CENTRAL_KEY: "a-long-enough-secret",
      MARK_STUCK_INTERVAL_SECONDS: 0,
      LOG_LEVEL: "warn",
    });
  });

  it("an empty variable counts as unset, as in `DATABASE_URL= npm start`", () => {
    const config = loadConfig({ DATABASE_URL: "", PORT: "" });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.PORT).toBe(8787);
  });

  it("accepts both postgres:// and postgresql:// URLs", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@h/d" }).DATABASE_URL).toBe("postgres://u@h/d");
  });

  it("refuses a bad value with one line naming the variable", () => {
    expect(configError({ DATABASE_URL: "not a url" })).toMatch(
      /^invalid environment: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/,
    );
    expect(configError({ DATABASE_URL: "mysql://u@h/d" })).toMatch(/DATABASE_URL/);
    expect(configError({ PORT: "http" })).toMatch(/^invalid environment: PORT /);
    expect(configError({ PORT: "70000" })).toMatch(/^invalid environment: PORT /);
    expect(configError({ PORT: "80.5" })).toMatch(/^invalid environment: PORT /);
    expect(configError({ BOOTSTRAP_CENTRAL_KEY: "short" })).toBe(
      "invalid environment: BOOTSTRAP_CENTRAL_KEY must be at least 16 characters",
    );
    expect(configError({ LOG_LEVEL: "verbose" })).toMatch(/^invalid environment: LOG_LEVEL /);
    expect(configError({ MARK_STUCK_INTERVAL_SECONDS: "-1" })).toMatch(/MARK_STUCK_INTERVAL_SECONDS/);
  });
});

describe("CIDR lists", () => {
  it("TRUSTED_PROXIES and WEBHOOK_ALLOWED_PRIVATE take comma-separated ranges; anything else names the variable", () => {
    expect(loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.0/24" }).TRUSTED_PROXIES).toEqual([
      "10.0.0.0/8",
      "192.168.1.0/24",
    ]);
    expect(loadConfig({}).WEBHOOK_ALLOWED_PRIVATE).toEqual([]);
    expect(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.1" })).toThrow(/TRUSTED_PROXIES must be comma-separated CIDR/);
    expect(() => loadConfig({ WEBHOOK_ALLOWED_PRIVATE: "intranet" })).toThrow(/WEBHOOK_ALLOWED_PRIVATE/);
  });

  it("reads body caps as a person writes sizes, and names the variable of one it cannot read", () => {
    expect(bodyLimitsOf(loadConfig({}))).toEqual({
      api: 1024 ** 2,
      batch: 32 * 1024 ** 2,
      xml: 2 * 1024 ** 3,
      form: 16384,
      catalogue: 32 * 1024 ** 2,
    });
    const config = loadConfig({
      BODY_LIMIT: "512KiB",
      BATCH_BODY_LIMIT: "64 mib",
      XML_BODY_LIMIT: "1GiB",
      FORM_BODY_LIMIT: "4096",
      CATALOGUE_BODY_LIMIT: "8MiB",
    });
    expect(bodyLimitsOf(config)).toEqual({
      api: 512 * 1024,
      batch: 64 * 1024 ** 2,
      xml: 1024 ** 3,
      form: 4096,
      catalogue: 8 * 1024 ** 2,
    });
    expect(configError({ XML_BODY_LIMIT: "2GB" })).toMatch(/^invalid environment: XML_BODY_LIMIT must be a size/);
    expect(configError({ BODY_LIMIT: "0" })).toMatch(/^invalid environment: BODY_LIMIT must be a size/);
  });
});
