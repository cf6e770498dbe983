IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    CREATE TABLE [wallets] (
        [id] bigint NOT NULL IDENTITY,
        [owner_id] bigint NOT NULL,
        [cached_balance] bigint NOT NULL,
        [allow_overdraft] bit NOT NULL DEFAULT CAST(0 AS bit),
        [created_at] datetime2 NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_wallets] PRIMARY KEY ([id]),
        CONSTRAINT [ck_wallets_balance_non_negative] CHECK (allow_overdraft = 1 OR cached_balance >= 0),
        CONSTRAINT [ck_wallets_owner_id_positive] CHECK (owner_id > 0)
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    CREATE TABLE [ledger_entries] (
        [id] bigint NOT NULL IDENTITY,
        [wallet_id] bigint NOT NULL,
        [amount] bigint NOT NULL,
        [balance_after] bigint NOT NULL,
        [reason] nvarchar(200) NOT NULL,
        [idempotency_key] varchar(128) NULL,
        [request_fingerprint] char(64) NULL,
        [meta] nvarchar(2048) NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_ledger_entries] PRIMARY KEY ([id]),
        CONSTRAINT [ck_ledger_entries_amount_non_zero] CHECK (amount <> 0),
        CONSTRAINT [fk_ledger_entries_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    CREATE INDEX [ix_ledger_entries_wallet_id_created_at] ON [ledger_entries] ([wallet_id], [created_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    CREATE INDEX [ix_ledger_entries_wallet_id_id] ON [ledger_entries] ([wallet_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ux_ledger_entries_idempotency_key] ON [ledger_entries] ([idempotency_key]) WHERE [idempotency_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    CREATE UNIQUE INDEX [ux_wallets_owner_id] ON [wallets] ([owner_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    EXEC(N'CREATE TRIGGER trg_ledger_entries_immutable ON ledger_entries INSTEAD OF UPDATE, DELETE AS
    BEGIN
        THROW 51000, ''ledger_entries are immutable: UPDATE and DELETE are refused'', 1;
    END;');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126003032_InitialLedger'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261126003032_InitialLedger', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    CREATE TABLE [payout_rejections] (
        [id] bigint NOT NULL IDENTITY,
        [message_id] varchar(100) NOT NULL,
        [award_type] varchar(16) NULL,
        [registration_id] bigint NULL,
        [place] int NULL,
        [reason_code] varchar(40) NOT NULL,
        [detail] nvarchar(500) NOT NULL,
        [dequeue_count] bigint NOT NULL,
        [rejected_at] datetime2 NOT NULL,
        CONSTRAINT [pk_payout_rejections] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    CREATE TABLE [reconciliation_runs] (
        [id] bigint NOT NULL IDENTITY,
        [started_at] datetime2 NOT NULL,
        [finished_at] datetime2 NOT NULL,
        [trigger] varchar(16) NOT NULL,
        [fix] bit NOT NULL,
        [wallets_checked] bigint NOT NULL,
        [drift_count] bigint NOT NULL,
        [corrections_applied] bigint NOT NULL,
        [balances_total] bigint NOT NULL,
        [entries_total] bigint NOT NULL,
        [drifted_wallet_ids] varchar(4000) NOT NULL,
        CONSTRAINT [pk_reconciliation_runs] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    CREATE INDEX [ix_payout_rejections_rejected_at] ON [payout_rejections] ([rejected_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    CREATE UNIQUE INDEX [ux_payout_rejections_message_id] ON [payout_rejections] ([message_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    CREATE INDEX [ix_reconciliation_runs_started_at] ON [reconciliation_runs] ([started_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261126010259_ReconciliationRunsAndPayoutRejections'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261126010259_ReconciliationRunsAndPayoutRejections', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127015539_BinaryKeyCollation'
)
BEGIN
    DECLARE @var nvarchar(max);
    SELECT @var = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[ledger_entries]') AND [c].[name] = N'request_fingerprint');
    IF @var IS NOT NULL EXEC(N'ALTER TABLE [ledger_entries] DROP CONSTRAINT ' + @var + ';');
    ALTER TABLE [ledger_entries] ALTER COLUMN [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127015539_BinaryKeyCollation'
)
BEGIN
    DROP INDEX [ux_ledger_entries_idempotency_key] ON [ledger_entries];
    DECLARE @var1 nvarchar(max);
    SELECT @var1 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[ledger_entries]') AND [c].[name] = N'idempotency_key');
    IF @var1 IS NOT NULL EXEC(N'ALTER TABLE [ledger_entries] DROP CONSTRAINT ' + @var1 + ';');
    ALTER TABLE [ledger_entries] ALTER COLUMN [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NULL;
    EXEC(N'CREATE UNIQUE INDEX [ux_ledger_entries_idempotency_key] ON [ledger_entries] ([idempotency_key]) WHERE [idempotency_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127015539_BinaryKeyCollation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261127015539_BinaryKeyCollation', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127030133_KeyedRefusals'
)
BEGIN
    CREATE TABLE [ledger_refusals] (
        [id] bigint NOT NULL IDENTITY,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [wallet_id] bigint NOT NULL,
        [balance] bigint NOT NULL,
        [amount] bigint NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_ledger_refusals] PRIMARY KEY ([id]),
        CONSTRAINT [fk_ledger_refusals_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127030133_KeyedRefusals'
)
BEGIN
    CREATE INDEX [ix_ledger_refusals_wallet_id] ON [ledger_refusals] ([wallet_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127030133_KeyedRefusals'
)
BEGIN
    CREATE UNIQUE INDEX [ux_ledger_refusals_idempotency_key] ON [ledger_refusals] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127030133_KeyedRefusals'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261127030133_KeyedRefusals', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127041438_CursorKey'
)
BEGIN
    CREATE TABLE [ledger_settings] (
        [name] varchar(64) NOT NULL,
        [value] varchar(128) NOT NULL,
        CONSTRAINT [pk_ledger_settings] PRIMARY KEY ([name])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127041438_CursorKey'
)
BEGIN
    INSERT INTO ledger_settings (name, value) VALUES ('cursor_key', LOWER(CONVERT(varchar(64), CRYPT_GEN_RANDOM(32), 2)));
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127041438_CursorKey'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261127041438_CursorKey', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    ALTER TABLE [wallets] ADD [frozen] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    ALTER TABLE [wallets] ADD [held] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE TABLE [ledger_holds] (
        [id] bigint NOT NULL IDENTITY,
        [wallet_id] bigint NOT NULL,
        [amount] bigint NOT NULL,
        [status] int NOT NULL,
        [captured] bigint NOT NULL,
        [capture_entry_id] bigint NULL,
        [reason] nvarchar(200) NOT NULL,
        [meta] nvarchar(2048) NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [expires_at] datetime2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_ledger_holds] PRIMARY KEY ([id]),
        CONSTRAINT [ck_ledger_holds_amount_positive] CHECK (amount > 0),
        CONSTRAINT [ck_ledger_holds_captured] CHECK (captured >= 0 AND captured <= amount),
        CONSTRAINT [fk_ledger_holds_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE TABLE [ledger_reversals] (
        [entry_id] bigint NOT NULL,
        [original_entry_id] bigint NOT NULL,
        [amount] bigint NOT NULL,
        CONSTRAINT [pk_ledger_reversals] PRIMARY KEY ([entry_id]),
        CONSTRAINT [ck_ledger_reversals_amount_positive] CHECK (amount > 0),
        CONSTRAINT [fk_ledger_reversals_entry_id] FOREIGN KEY ([entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_ledger_reversals_original_entry_id] FOREIGN KEY ([original_entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE TABLE [wallet_changes] (
        [id] bigint NOT NULL IDENTITY,
        [wallet_id] bigint NOT NULL,
        [change] varchar(16) NOT NULL,
        [actor] nvarchar(64) NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_wallet_changes] PRIMARY KEY ([id]),
        CONSTRAINT [fk_wallet_changes_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    EXEC(N'ALTER TABLE [wallets] ADD CONSTRAINT [ck_wallets_held_non_negative] CHECK (held >= 0)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE INDEX [ix_ledger_holds_status_expires_at] ON [ledger_holds] ([status], [expires_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE INDEX [ix_ledger_holds_wallet_id_status_expires_at] ON [ledger_holds] ([wallet_id], [status], [expires_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE UNIQUE INDEX [ux_ledger_holds_idempotency_key] ON [ledger_holds] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE INDEX [ix_ledger_reversals_original_entry_id] ON [ledger_reversals] ([original_entry_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    CREATE INDEX [ix_wallet_changes_wallet_id_id] ON [wallet_changes] ([wallet_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261127052825_HoldsReversalsWalletAdmin'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261127052825_HoldsReversalsWalletAdmin', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205092630_HistoryLinkEpochsAndAppRole'
)
BEGIN
    CREATE TABLE [history_link_epochs] (
        [owner_id] bigint NOT NULL,
        [epoch] int NOT NULL,
        [revoked_at] datetime2 NOT NULL,
        [revoked_by] varchar(64) NOT NULL,
        CONSTRAINT [pk_history_link_epochs] PRIMARY KEY ([owner_id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205092630_HistoryLinkEpochsAndAppRole'
)
BEGIN
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

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205092630_HistoryLinkEpochsAndAppRole'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205092630_HistoryLinkEpochsAndAppRole', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [wallets] DROP CONSTRAINT [ck_wallets_balance_non_negative];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [wallets] ADD [overdraft_floor] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [wallet_changes] ADD [entry_id] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [wallet_changes] ADD [reason] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [ledger_holds] ADD [closed_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    ALTER TABLE [ledger_holds] ADD [closed_key] varchar(128) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    CREATE TABLE [client_keys] (
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [operation] smallint NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_client_keys] PRIMARY KEY ([idempotency_key])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    CREATE TABLE [postings] (
        [id] bigint NOT NULL IDENTITY,
        [key_stem] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [legs] int NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_postings] PRIMARY KEY ([id]),
        CONSTRAINT [ck_postings_legs] CHECK (legs >= 2 AND legs <= 1000)
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    EXEC(N'ALTER TABLE [wallets] ADD CONSTRAINT [ck_wallets_balance_above_floor] CHECK (allow_overdraft = 1 OR cached_balance >= overdraft_floor)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    EXEC(N'ALTER TABLE [wallets] ADD CONSTRAINT [ck_wallets_overdraft_floor_non_positive] CHECK (overdraft_floor <= 0)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ux_ledger_holds_closed_key] ON [ledger_holds] ([closed_key]) WHERE [closed_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    CREATE UNIQUE INDEX [ux_postings_key_stem] ON [postings] ([key_stem]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    -- funcledger_app's grants on what OneKeyOneOperation adds (app_role.v1.sql holds the rest). The idempotent script runs this in
    -- the batch that creates the tables: the grants compile when they run.
    EXEC(N'GRANT SELECT, INSERT ON [client_keys] TO [funcledger_app];
    GRANT SELECT, INSERT ON [postings] TO [funcledger_app];
    GRANT UPDATE ([closed_key], [closed_fingerprint]) ON [ledger_holds] TO [funcledger_app];
    GRANT UPDATE ([overdraft_floor]) ON [wallets] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205104822_OneKeyOneOperation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205104822_OneKeyOneOperation', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE TABLE [shop_items] (
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [title] nvarchar(120) NOT NULL,
        [price] bigint NOT NULL,
        [stock] bigint NULL,
        [per_player_limit] int NULL,
        [starts_at] datetime2 NULL,
        [ends_at] datetime2 NULL,
        [active] bit NOT NULL,
        [meta] nvarchar(2048) NULL,
        [created_at] datetime2 NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_items] PRIMARY KEY ([sku]),
        CONSTRAINT [ck_shop_items_price_positive] CHECK (price > 0),
        CONSTRAINT [ck_shop_items_stock_non_negative] CHECK (stock IS NULL OR stock >= 0)
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE TABLE [shop_inventory] (
        [owner_id] bigint NOT NULL,
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [quantity] bigint NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_inventory] PRIMARY KEY ([owner_id], [sku]),
        CONSTRAINT [ck_shop_inventory_quantity_non_negative] CHECK (quantity >= 0),
        CONSTRAINT [fk_shop_inventory_shop_items_sku] FOREIGN KEY ([sku]) REFERENCES [shop_items] ([sku]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE TABLE [shop_purchases] (
        [id] bigint NOT NULL IDENTITY,
        [owner_id] bigint NOT NULL,
        [wallet_id] bigint NOT NULL,
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [title] nvarchar(120) NOT NULL,
        [quantity] int NOT NULL,
        [price] bigint NOT NULL,
        [total] bigint NOT NULL,
        [refunded_quantity] int NOT NULL,
        [entry_id] bigint NOT NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_purchases] PRIMARY KEY ([id]),
        CONSTRAINT [ck_shop_purchases_quantity_positive] CHECK (quantity > 0),
        CONSTRAINT [ck_shop_purchases_refunded] CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity),
        CONSTRAINT [ck_shop_purchases_total] CHECK (total = price * quantity),
        CONSTRAINT [fk_shop_purchases_ledger_entries_entry_id] FOREIGN KEY ([entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_purchases_shop_items_sku] FOREIGN KEY ([sku]) REFERENCES [shop_items] ([sku]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_purchases_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE TABLE [shop_refunds] (
        [id] bigint NOT NULL IDENTITY,
        [purchase_id] bigint NOT NULL,
        [quantity] int NOT NULL,
        [coins] bigint NOT NULL,
        [forced] bit NOT NULL,
        [reason] nvarchar(200) NOT NULL,
        [actor] nvarchar(64) NOT NULL,
        [entry_id] bigint NOT NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_refunds] PRIMARY KEY ([id]),
        CONSTRAINT [ck_shop_refunds_coins_positive] CHECK (coins > 0),
        CONSTRAINT [ck_shop_refunds_quantity_positive] CHECK (quantity > 0),
        CONSTRAINT [fk_shop_refunds_ledger_entries_entry_id] FOREIGN KEY ([entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_refunds_shop_purchases_purchase_id] FOREIGN KEY ([purchase_id]) REFERENCES [shop_purchases] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [IX_shop_inventory_sku] ON [shop_inventory] ([sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [IX_shop_purchases_sku] ON [shop_purchases] ([sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [IX_shop_purchases_wallet_id] ON [shop_purchases] ([wallet_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [ix_shop_purchases_owner_id_id] ON [shop_purchases] ([owner_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [ix_shop_purchases_owner_id_sku] ON [shop_purchases] ([owner_id], [sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_purchases_entry_id] ON [shop_purchases] ([entry_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_purchases_idempotency_key] ON [shop_purchases] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE INDEX [ix_shop_refunds_purchase_id] ON [shop_refunds] ([purchase_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_refunds_entry_id] ON [shop_refunds] ([entry_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_refunds_idempotency_key] ON [shop_refunds] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    -- funcledger_app's grants on what Shop adds (app_role.v1.sql and v2 hold the rest). The idempotent script runs this in the
    -- batch that creates the tables: the grants compile when they run.
    EXEC(N'GRANT SELECT, INSERT,
        UPDATE ([title], [price], [stock], [per_player_limit], [starts_at], [ends_at], [active], [meta], [updated_at])
        ON [shop_items] TO [funcledger_app];
    GRANT SELECT, INSERT, UPDATE ([refunded_quantity]) ON [shop_purchases] TO [funcledger_app];
    GRANT SELECT, INSERT, UPDATE ([quantity], [updated_at]) ON [shop_inventory] TO [funcledger_app];
    GRANT SELECT, INSERT ON [shop_refunds] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205171217_Shop'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205171217_Shop', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE TABLE [shop_checkouts] (
        [id] bigint NOT NULL IDENTITY,
        [owner_id] bigint NOT NULL,
        [wallet_id] bigint NOT NULL,
        [hold_id] bigint NOT NULL,
        [total] bigint NOT NULL,
        [status] smallint NOT NULL,
        [expires_at] datetime2 NOT NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [closed_key] varchar(128) COLLATE Latin1_General_100_BIN2 NULL,
        [created_at] datetime2 NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_checkouts] PRIMARY KEY ([id]),
        CONSTRAINT [ck_shop_checkouts_total_positive] CHECK (total > 0),
        CONSTRAINT [fk_shop_checkouts_ledger_holds_hold_id] FOREIGN KEY ([hold_id]) REFERENCES [ledger_holds] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_checkouts_wallets_wallet_id] FOREIGN KEY ([wallet_id]) REFERENCES [wallets] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE TABLE [shop_checkout_lines] (
        [checkout_id] bigint NOT NULL,
        [line] int NOT NULL,
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [quantity] int NOT NULL,
        [price] bigint NOT NULL,
        [purchase_id] bigint NULL,
        CONSTRAINT [pk_shop_checkout_lines] PRIMARY KEY ([checkout_id], [line]),
        CONSTRAINT [ck_shop_checkout_lines_price_positive] CHECK (price > 0),
        CONSTRAINT [ck_shop_checkout_lines_quantity_positive] CHECK (quantity > 0),
        CONSTRAINT [fk_shop_checkout_lines_shop_checkouts_checkout_id] FOREIGN KEY ([checkout_id]) REFERENCES [shop_checkouts] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_checkout_lines_shop_items_sku] FOREIGN KEY ([sku]) REFERENCES [shop_items] ([sku]) ON DELETE NO ACTION,
        CONSTRAINT [fk_shop_checkout_lines_shop_purchases_purchase_id] FOREIGN KEY ([purchase_id]) REFERENCES [shop_purchases] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE INDEX [IX_shop_checkout_lines_purchase_id] ON [shop_checkout_lines] ([purchase_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE INDEX [ix_shop_checkout_lines_sku] ON [shop_checkout_lines] ([sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE INDEX [IX_shop_checkouts_wallet_id] ON [shop_checkouts] ([wallet_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE INDEX [ix_shop_checkouts_owner_id_status] ON [shop_checkouts] ([owner_id], [status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE INDEX [ix_shop_checkouts_status_expires_at] ON [shop_checkouts] ([status], [expires_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_checkouts_hold_id] ON [shop_checkouts] ([hold_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_checkouts_idempotency_key] ON [shop_checkouts] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    -- funcledger_app's grants on what ShopCheckouts adds (app_role.v1.sql to v3 hold the rest). The idempotent script runs this in
    -- the batch that creates the tables: the grants compile when they run.
    EXEC(N'GRANT SELECT, INSERT, UPDATE ([status], [closed_key], [updated_at]) ON [shop_checkouts] TO [funcledger_app];
    GRANT SELECT, INSERT, UPDATE ([purchase_id]) ON [shop_checkout_lines] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205180821_ShopCheckouts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205180821_ShopCheckouts', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205202357_EntrySource'
)
BEGIN
    ALTER TABLE [ledger_entries] ADD [source] smallint NOT NULL DEFAULT CAST(0 AS smallint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205202357_EntrySource'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205202357_EntrySource', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205211642_PurchaseIndexBySku'
)
BEGIN
    DROP INDEX [IX_shop_purchases_sku] ON [shop_purchases];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205211642_PurchaseIndexBySku'
)
BEGIN
    DROP INDEX [ix_shop_purchases_owner_id_sku] ON [shop_purchases];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205211642_PurchaseIndexBySku'
)
BEGIN
    CREATE INDEX [ix_shop_purchases_sku_owner_id] ON [shop_purchases] ([sku], [owner_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205211642_PurchaseIndexBySku'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205211642_PurchaseIndexBySku', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE TABLE [promo_attempts] (
        [id] bigint NOT NULL IDENTITY,
        [owner_id] bigint NOT NULL,
        [refusal] varchar(40) NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_promo_attempts] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE TABLE [promo_campaigns] (
        [id] bigint NOT NULL IDENTITY,
        [name] nvarchar(100) NOT NULL,
        [coins] bigint NOT NULL,
        [items] nvarchar(2048) NULL,
        [starts_at] datetime2 NULL,
        [ends_at] datetime2 NULL,
        [max_redemptions] int NULL,
        [per_player_limit] int NOT NULL,
        [vanity_code] varchar(32) COLLATE Latin1_General_100_BIN2 NULL,
        [active] bit NOT NULL,
        [redemptions] int NOT NULL,
        [codes_issued] int NOT NULL,
        [created_at] datetime2 NOT NULL,
        [updated_at] datetime2 NOT NULL,
        CONSTRAINT [pk_promo_campaigns] PRIMARY KEY ([id]),
        CONSTRAINT [ck_promo_campaigns_coins_positive] CHECK (coins > 0),
        CONSTRAINT [ck_promo_campaigns_per_player_limit_positive] CHECK (per_player_limit > 0),
        CONSTRAINT [ck_promo_campaigns_redemptions] CHECK (redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions))
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE TABLE [promo_codes] (
        [code_hash] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [campaign_id] bigint NOT NULL,
        [redemption_id] bigint NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_promo_codes] PRIMARY KEY ([code_hash]),
        CONSTRAINT [fk_promo_codes_promo_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [promo_campaigns] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE TABLE [promo_redemptions] (
        [id] bigint NOT NULL IDENTITY,
        [campaign_id] bigint NOT NULL,
        [owner_id] bigint NOT NULL,
        [wallet_id] bigint NOT NULL,
        [code_hash] char(64) COLLATE Latin1_General_100_BIN2 NULL,
        [coins] bigint NOT NULL,
        [entry_id] bigint NOT NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_promo_redemptions] PRIMARY KEY ([id]),
        CONSTRAINT [ck_promo_redemptions_coins_positive] CHECK (coins > 0),
        CONSTRAINT [fk_promo_redemptions_ledger_entries_entry_id] FOREIGN KEY ([entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_promo_redemptions_promo_campaigns_campaign_id] FOREIGN KEY ([campaign_id]) REFERENCES [promo_campaigns] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE INDEX [ix_promo_attempts_owner_id_created_at] ON [promo_attempts] ([owner_id], [created_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ux_promo_campaigns_active_vanity_code] ON [promo_campaigns] ([vanity_code]) WHERE [active] = 1 AND [vanity_code] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE INDEX [ix_promo_codes_campaign_id] ON [promo_codes] ([campaign_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE INDEX [ix_promo_redemptions_campaign_id_owner_id] ON [promo_redemptions] ([campaign_id], [owner_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE UNIQUE INDEX [ux_promo_redemptions_entry_id] ON [promo_redemptions] ([entry_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    CREATE UNIQUE INDEX [ux_promo_redemptions_idempotency_key] ON [promo_redemptions] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    -- funcledger_app's grants on what PromoCodes adds (app_role.v1.sql to v4 hold the rest). The idempotent script runs this in
    -- the batch that creates the tables: the grants compile when they run.
    EXEC(N'GRANT SELECT, INSERT, UPDATE ([active], [redemptions], [codes_issued], [updated_at]) ON [promo_campaigns] TO [funcledger_app];
    GRANT SELECT, INSERT, UPDATE ([redemption_id]) ON [promo_codes] TO [funcledger_app];
    GRANT SELECT, INSERT ON [promo_redemptions] TO [funcledger_app];
    GRANT SELECT, INSERT ON [promo_attempts] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205213354_PromoCodes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205213354_PromoCodes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    DROP INDEX [ux_promo_redemptions_entry_id] ON [promo_redemptions];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] DROP CONSTRAINT [ck_promo_redemptions_coins_positive];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_campaigns] DROP CONSTRAINT [ck_promo_campaigns_coins_positive];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    DECLARE @var2 nvarchar(max);
    SELECT @var2 = QUOTENAME([d].[name])
    FROM [sys].[default_constraints] [d]
    INNER JOIN [sys].[columns] [c] ON [d].[parent_column_id] = [c].[column_id] AND [d].[parent_object_id] = [c].[object_id]
    WHERE ([d].[parent_object_id] = OBJECT_ID(N'[promo_redemptions]') AND [c].[name] = N'entry_id');
    IF @var2 IS NOT NULL EXEC(N'ALTER TABLE [promo_redemptions] DROP CONSTRAINT ' + @var2 + ';');
    ALTER TABLE [promo_redemptions] ALTER COLUMN [entry_id] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [reversal_entry_id] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [revoke_idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [revoke_reason] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [revoked_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [revoked_by] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD [slot_released] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    CREATE INDEX [IX_promo_redemptions_reversal_entry_id] ON [promo_redemptions] ([reversal_entry_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ux_promo_redemptions_entry_id] ON [promo_redemptions] ([entry_id]) WHERE [entry_id] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ux_promo_redemptions_revoke_idempotency_key] ON [promo_redemptions] ([revoke_idempotency_key]) WHERE [revoke_idempotency_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    EXEC(N'ALTER TABLE [promo_redemptions] ADD CONSTRAINT [ck_promo_redemptions_coins] CHECK (coins >= 0)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    EXEC(N'ALTER TABLE [promo_redemptions] ADD CONSTRAINT [ck_promo_redemptions_entry] CHECK ((coins = 0 AND entry_id IS NULL) OR (coins > 0 AND entry_id IS NOT NULL))');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    EXEC(N'ALTER TABLE [promo_campaigns] ADD CONSTRAINT [ck_promo_campaigns_coins] CHECK (coins >= 0)');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    ALTER TABLE [promo_redemptions] ADD CONSTRAINT [fk_promo_redemptions_ledger_entries_reversal_entry_id] FOREIGN KEY ([reversal_entry_id]) REFERENCES [ledger_entries] ([id]) ON DELETE NO ACTION;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    -- funcledger_app's grants on what PromoRevocations adds (app_role.v1.sql to v5 hold the rest). The idempotent script runs this in
    -- the batch that adds the columns: the grant compiles when it runs.
    EXEC(N'GRANT UPDATE ([revoked_at], [revoked_by], [revoke_reason], [revoke_idempotency_key], [reversal_entry_id], [slot_released])
        ON [promo_redemptions] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261205234739_PromoRevocations'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261205234739_PromoRevocations', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206002341_PurchaseIndexesTrimmed'
)
BEGIN
    DROP INDEX [IX_shop_purchases_wallet_id] ON [shop_purchases];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206002341_PurchaseIndexesTrimmed'
)
BEGIN
    DROP INDEX [ix_shop_purchases_owner_id_id] ON [shop_purchases];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206002341_PurchaseIndexesTrimmed'
)
BEGIN
    DROP INDEX [ux_shop_purchases_idempotency_key] ON [shop_purchases];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206002341_PurchaseIndexesTrimmed'
)
BEGIN
    CREATE INDEX [ix_shop_purchases_wallet_id_id] ON [shop_purchases] ([wallet_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206002341_PurchaseIndexesTrimmed'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206002341_PurchaseIndexesTrimmed', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    ALTER TABLE [shop_refunds] ADD [taken] int NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    CREATE TABLE [shop_consumptions] (
        [id] bigint NOT NULL IDENTITY,
        [owner_id] bigint NOT NULL,
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [quantity] int NOT NULL,
        [remaining] bigint NOT NULL,
        [idempotency_key] varchar(128) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [request_fingerprint] char(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_shop_consumptions] PRIMARY KEY ([id]),
        CONSTRAINT [ck_shop_consumptions_quantity_positive] CHECK (quantity > 0),
        CONSTRAINT [ck_shop_consumptions_remaining_non_negative] CHECK (remaining >= 0),
        CONSTRAINT [fk_shop_consumptions_shop_items_sku] FOREIGN KEY ([sku]) REFERENCES [shop_items] ([sku]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    CREATE INDEX [IX_shop_consumptions_sku] ON [shop_consumptions] ([sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    CREATE INDEX [ix_shop_consumptions_owner_id_id] ON [shop_consumptions] ([owner_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    CREATE UNIQUE INDEX [ux_shop_consumptions_idempotency_key] ON [shop_consumptions] ([idempotency_key]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    -- funcledger_app's grants on what ShopConsumptions adds (app_role.v1.sql to v6 hold the rest). The idempotent script runs this in
    -- the batch that creates the table: the grant compiles when it runs.
    EXEC(N'GRANT SELECT, INSERT ON [shop_consumptions] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206061425_ShopConsumptions'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206061425_ShopConsumptions', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    CREATE TABLE [promo_grants] (
        [id] bigint NOT NULL IDENTITY,
        [redemption_id] bigint NOT NULL,
        [owner_id] bigint NOT NULL,
        [sku] varchar(64) COLLATE Latin1_General_100_BIN2 NOT NULL,
        [quantity] int NOT NULL,
        [taken] int NULL,
        CONSTRAINT [pk_promo_grants] PRIMARY KEY ([id]),
        CONSTRAINT [ck_promo_grants_quantity_positive] CHECK (quantity > 0),
        CONSTRAINT [ck_promo_grants_taken] CHECK (taken IS NULL OR (taken >= 0 AND taken <= quantity)),
        CONSTRAINT [fk_promo_grants_promo_redemptions_redemption_id] FOREIGN KEY ([redemption_id]) REFERENCES [promo_redemptions] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_promo_grants_shop_items_sku] FOREIGN KEY ([sku]) REFERENCES [shop_items] ([sku]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    CREATE INDEX [IX_promo_grants_sku] ON [promo_grants] ([sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    CREATE INDEX [ix_promo_grants_owner_id_sku] ON [promo_grants] ([owner_id], [sku]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    CREATE INDEX [ix_promo_grants_redemption_id] ON [promo_grants] ([redemption_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    -- funcledger_app's grants on what PromoGrants adds (app_role.v1.sql to v7 hold the rest). The idempotent script runs this in the
    -- batch that creates the table: the grant compiles when it runs.
    EXEC(N'GRANT SELECT, INSERT, UPDATE ([taken]) ON [promo_grants] TO [funcledger_app];');

END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206062620_PromoGrants'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206062620_PromoGrants', N'10.0.15');
END;

COMMIT;
GO

