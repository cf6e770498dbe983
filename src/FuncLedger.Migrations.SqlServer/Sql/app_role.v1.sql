-- The application's role, funcledger_app: the deployment adds the app's managed identity to it (and to nothing else);
-- migrations run as the database's Entra administrator. It reads what it serves, inserts what it records and updates only
-- the columns it moves; ledger entries are SELECT and INSERT only (an UPDATE or DELETE is a permission error before the
-- immutability trigger). Nothing is ever deleted. A later migration that adds a table grants on it in its own file.
IF DATABASE_PRINCIPAL_ID(N'funcledger_app') IS NULL EXEC(N'CREATE ROLE [funcledger_app]');
GRANT SELECT ON [__EFMigrationsHistory] TO [funcledger_app];
GRANT SELECT ON [ledger_settings] TO [funcledger_app];
GRANT SELECT, INSERT ON [ledger_entries] TO [funcledger_app];
GRANT SELECT, INSERT ON [ledger_reversals] TO [funcledger_app];
GRANT SELECT, INSERT ON [ledger_refusals] TO [funcledger_app];
GRANT SELECT, INSERT ON [wallet_changes] TO [funcledger_app];
GRANT SELECT, INSERT ON [reconciliation_runs] TO [funcledger_app];
GRANT SELECT, INSERT ON [payout_rejections] TO [funcledger_app];
GRANT SELECT, INSERT ON [wallets] TO [funcledger_app];
GRANT UPDATE ([cached_balance], [held], [frozen], [allow_overdraft], [updated_at]) ON [wallets] TO [funcledger_app];
GRANT SELECT, INSERT ON [ledger_holds] TO [funcledger_app];
GRANT UPDATE ([status], [captured], [capture_entry_id], [updated_at]) ON [ledger_holds] TO [funcledger_app];
-- The idempotent script runs this in the batch that creates history_link_epochs: its grants compile when they run.
EXEC(N'GRANT SELECT, INSERT ON [history_link_epochs] TO [funcledger_app];
GRANT UPDATE ([epoch], [revoked_at], [revoked_by]) ON [history_link_epochs] TO [funcledger_app];');
DENY UPDATE, DELETE ON [ledger_entries] TO [funcledger_app];
