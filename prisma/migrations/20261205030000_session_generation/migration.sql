-- Dashboard sign-out ends the session on the server (issue #25): a session names its key's generation, and
-- signing out moves the generation on, so an old cookie is refused.
ALTER TABLE "api_key" ADD COLUMN "session_generation" INTEGER NOT NULL DEFAULT 0;
