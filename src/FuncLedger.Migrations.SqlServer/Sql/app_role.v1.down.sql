-- Undoes app_role.v1.sql: the role and its grants.
IF DATABASE_PRINCIPAL_ID(N'funcledger_app') IS NOT NULL EXEC(N'DROP ROLE [funcledger_app]');
