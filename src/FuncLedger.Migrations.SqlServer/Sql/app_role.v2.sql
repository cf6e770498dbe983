-- funcledger_app's grants on what OneKeyOneOperation adds (app_role.v1.sql holds the rest). The idempotent script runs this in
-- the batch that creates the tables: the grants compile when they run.
EXEC(N'GRANT SELECT, INSERT ON [client_keys] TO [funcledger_app];
GRANT SELECT, INSERT ON [postings] TO [funcledger_app];
GRANT UPDATE ([closed_key], [closed_fingerprint]) ON [ledger_holds] TO [funcledger_app];
GRANT UPDATE ([overdraft_floor]) ON [wallets] TO [funcledger_app];');
