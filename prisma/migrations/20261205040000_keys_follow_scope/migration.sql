-- A province or facility key names a row that exists (issue #25): the service never deletes reference data, but an
-- operator may (a facility entered by mistake). Removing the row revokes its keys in the same statement, so a code
-- created again later, for another hospital or province, does not revive a key issued for the old one.
CREATE FUNCTION "revoke_keys_of_removed_scope"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "api_key" SET "revoked_at" = now()
   WHERE "role" = TG_ARGV[0]::"Role" AND "scope" = OLD."code" AND "revoked_at" IS NULL;
  RETURN OLD;
END
$$;

CREATE TRIGGER "facility_removed_revokes_keys" AFTER DELETE ON "facility"
  FOR EACH ROW EXECUTE FUNCTION "revoke_keys_of_removed_scope"('facility');
CREATE TRIGGER "province_removed_revokes_keys" AFTER DELETE ON "province"
  FOR EACH ROW EXECUTE FUNCTION "revoke_keys_of_removed_scope"('province');
