-- The application's role, funcledger_app (NOLOGIN: the app's own login, a managed identity's role, is made a member of it
-- by the deployment; migrations run as the database owner, never as this role). It may read what it serves, insert what it
-- records, and update only the columns it moves; ledger entries are SELECT and INSERT only, so an UPDATE or DELETE of an
-- entry is refused by a permission error before the immutability trigger is reached. Nothing is ever deleted.
-- Written once; a later migration that adds a table grants on it in its own file.
DO $$
BEGIN
    CREATE ROLE funcledger_app NOLOGIN;
EXCEPTION
    -- Roles are global to the server: another database's migration may have created it (or be creating it now).
    WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA public TO funcledger_app;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM funcledger_app;
GRANT SELECT ON "__EFMigrationsHistory", ledger_settings TO funcledger_app;
GRANT SELECT, INSERT ON ledger_entries, ledger_reversals, ledger_refusals, wallet_changes, reconciliation_runs, payout_rejections
    TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (cached_balance, held, frozen, allow_overdraft, updated_at) ON wallets TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (status, captured, capture_entry_id, updated_at) ON ledger_holds TO funcledger_app;
GRANT SELECT, INSERT, UPDATE (epoch, revoked_at, revoked_by) ON history_link_epochs TO funcledger_app;

-- Every function runs with a pinned search_path: a role that can create objects in a schema earlier on the path (or in
-- pg_temp) can never substitute a table or operator the function names.
ALTER FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, bigint, bigint)
    SET search_path = public, pg_temp;
ALTER FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, timestamptz) SET search_path = public, pg_temp;
ALTER FUNCTION ledger_void(bigint, timestamptz) SET search_path = public, pg_temp;
ALTER FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz) SET search_path = public, pg_temp;
ALTER FUNCTION ledger_entries_immutable() SET search_path = public, pg_temp;
