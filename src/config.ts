import ipaddr from "ipaddr.js";
import { z } from "zod";

/** Comma-separated CIDR ranges ("10.20.0.0/16, 192.168.5.0/24"); empty means none. */
const cidrList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((range) => range.trim())
      .filter(Boolean),
  )
  .refine(
    (ranges) => ranges.every((range) => ipaddr.isValidCIDR(range)),
    "must be comma-separated CIDR ranges like 10.20.0.0/16",
  );

const UNITS = { B: 1, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 } as const;

/** A size as a person writes it: "16KiB", "32 MiB", "2GiB" or plain bytes. */
const byteSize = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const match = /^\s*(\d+)\s*(B|KiB|MiB|GiB)?\s*$/i.exec(value);
      const bytes = match ? Number(match[1]) * UNITS[(match[2] ?? "B").toUpperCase() as keyof typeof UNITS] : 0;
      if (bytes >= 1 && bytes <= 16 * UNITS.GIB) return bytes;
      ctx.addIssue({ code: "custom", message: 'must be a size from 1 byte to 16 GiB, like "512KiB" or "32MiB"' });
      return z.NEVER;
    });

/** Environment of the Node server and the CLI, validated once at start-up. */
const EnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((v) => /^postgres(ql)?:\/\//.test(v), "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default("./.data"),
  /** The longest an ordinary PostgreSQL statement may run before it is cancelled (503, retry). */
  DATABASE_STATEMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  RULES_DIR: z.string().min(1).default("./rules"),
  BOOTSTRAP_CENTRAL_KEY: z.string().min(16, "must be at least 16 characters").optional(),
  /** How often the Node server runs the stuck-claim marking, in seconds (0 turns it off). */
  MARK_STUCK_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(3600),
  /** How often the server re-assesses claims after catalogue changes (0 = never; POST /v1/jobs/reassess still does). */
  REASSESS_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Time for a client to send a request's headers; a slower one is disconnected. */
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  /** Time for a whole request, body included: an XML upload of hundreds of MB must fit. */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(900),
  /** How long an idle keep-alive connection stays open. */
  HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
  /** Connections one client address may hold at once (behind a proxy: the proxy's). */
  MAX_CONNECTIONS_PER_CLIENT: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Body caps (413 past them), checked before a body is read: every route not named below. */
  BODY_LIMIT: byteSize("1MiB"),
  /** POST /v1/batches: 5,000 claims fit well within 32 MiB. */
  BATCH_BODY_LIMIT: byteSize("32MiB"),
  /** POST /v1/batches/xml, inflated size when gzip-compressed: the file is streamed, not held. */
  XML_BODY_LIMIT: byteSize("2GiB"),
  /** The dashboard's forms (sign-in, notes, decisions). */
  FORM_BODY_LIMIT: byteSize("16KiB"),
  /** PUT /v1/facilities/{code}/catalogues/{kind}: a CSV catalogue of up to 100,000 rows. */
  CATALOGUE_BODY_LIMIT: byteSize("32MiB"),
  /** The longest one XML file may take on its worker thread, upload included (413 xml_time_limit past it). */
  XML_TIME_LIMIT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .default(600),
  /** How often the Node server sends due alert webhook deliveries, in seconds (0 turns it off). */
  WEBHOOK_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(5),
  /**
   * The proxies in front of the service (comma-separated CIDRs): only from these is X-Forwarded-For believed,
   * and only they can make a request count as coming over TLS (X-Forwarded-Proto). Default: none.
   */
  TRUSTED_PROXIES: cidrList,
  /**
   * Private ranges alert webhooks may reach although they are not global unicast (comma-separated CIDRs, e.g.
   * "10.20.0.0/16"): for an operator whose receivers sit in the deployment's own network. Default: none.
   */
  WEBHOOK_ALLOWED_PRIVATE: cidrList,
  /** Signs dashboard session cookies; set it so sessions survive restarts and work across instances. */
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `VAR= cmd`.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`invalid environment: ${issue.path.join(".")} ${issue.message}`);
  }
  return parsed.data;
}

/** The body caps as the app takes them (AppDeps.bodyLimits). */
export const bodyLimitsOf = (config: Config) => ({
  api: config.BODY_LIMIT,
  batch: config.BATCH_BODY_LIMIT,
  xml: config.XML_BODY_LIMIT,
  form: config.FORM_BODY_LIMIT,
  catalogue: config.CATALOGUE_BODY_LIMIT,
});
