-- funcledger_app's grants on what OneKeyOneOperation adds (app_role.v1.sql holds the rest): the client keys and the postings
-- are inserted and read, never updated; a hold's closing key is set with its status; a wallet's overdraft floor with its
-- overdraft; a wallet change carries its reason and entry.
GRANT SELECT, INSERT ON client_keys, postings TO funcledger_app;
GRANT UPDATE (closed_key, closed_fingerprint) ON ledger_holds TO funcledger_app;
GRANT UPDATE (overdraft_floor) ON wallets TO funcledger_app;
