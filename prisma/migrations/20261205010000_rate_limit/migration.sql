-- Rate limits shared by every instance of the service (issue #18): hits per bucket and fixed window.
CREATE TABLE "rate_limit" (
    "bucket" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "hits" INTEGER NOT NULL,

    CONSTRAINT "rate_limit_pkey" PRIMARY KEY ("bucket","window_start")
);
