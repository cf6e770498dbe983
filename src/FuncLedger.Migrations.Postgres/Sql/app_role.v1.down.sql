-- Undoes app_role.v1.sql on this database (the role itself stays: other databases of the server may use it).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM funcledger_app;
REVOKE USAGE ON SCHEMA public FROM funcledger_app;
ALTER FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, bigint, bigint)
    RESET search_path;
ALTER FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, timestamptz) RESET search_path;
ALTER FUNCTION ledger_void(bigint, timestamptz) RESET search_path;
ALTER FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz) RESET search_path;
ALTER FUNCTION ledger_entries_immutable() RESET search_path;
