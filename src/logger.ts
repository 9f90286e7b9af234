/**
 * Structured JSON logs, one object a line. Callers pass fields, never request
 * bodies: patient data must not reach the log (see SECURITY.md).
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const order: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function jsonLogger(
  level: LogLevel | "silent" = "info",
  write: (line: string) => void = (line) => process.stdout.write(line + "\n"),
): Logger {
  const emit = (lvl: LogLevel) => (msg: string, fields?: LogFields) => {
    if (order[lvl] < order[level]) return;
    const safe = typeof fields?.error === "string" ? { ...fields, error: redactValues(fields.error) } : fields;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...safe }, bigintSafe));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Keeps every line in memory: tests read what would have been logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    jsonLogger("debug", (l) => lines.push(l)),
    { lines },
  );
}

/**
 * Error text without the values it quotes. Drivers echo the value they choked
 * on (PostgreSQL: `date/time field value out of range: "…"`), Prisma prints a
 * failed call's arguments, and such a value may be a patient's: quoted
 * literals, card numbers and long digit runs (citizen IDs) are blanked. What
 * failed, where (identifiers in backticks, the stack) stays.
 */
export function redactValues(text: string): string {
  return text
    .replace(/"(?:[^"\\\n]|\\.)*"/g, '"…"')
    .replace(/'(?:[^'\\\n]|\\.)*'/g, "'…'")
    .replace(/\b[A-Z]{2}[1-5]\d{12}\b/g, "[card]")
    .replace(/\d{9,}/g, "[digits]");
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
