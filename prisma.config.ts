// Prisma 7 reads its datasource from here, not from schema.prisma. Only `prisma
// generate` runs on this project's machines (the migrate engine cannot be
// downloaded); migrations are applied by src/db/migrate.ts.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/unused" },
});
