#!/bin/sh
# azd postprovision: applies the FuncLedger migrations to the new database as its Microsoft Entra administrator (the
# signed-in azd user) and gives the function app's managed identity read/write access, for either engine:
#   sqlserver: the checked-in idempotent script src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql through
#              go-sqlcmd; the identity becomes a database user (db_datareader, db_datawriter).
#   postgres:  `funcledger migrate` (the CLI, signing in with the administrator's Entra token); the identity becomes a
#              role through pgaadauth_create_principal, with SELECT, INSERT, UPDATE, DELETE on the ledger's tables.
# Needs the Azure CLI (az), and go-sqlcmd (sqlcmd) or psql with the .NET SDK, on PATH. The caller's public IP is
# allowed through the server's firewall for the duration of the hook only.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${DATABASE_ENGINE:?}"; : "${DATABASE_HOST:?}"; : "${DATABASE_NAME:?}"; : "${APP_IDENTITY_NAME:?}"
server_name=${DATABASE_HOST%%.*}
here=$(cd "$(dirname "$0")/../.." && pwd)
command -v az >/dev/null || { echo "postprovision: the Azure CLI (az) is required" >&2; exit 1; }
ip=$(curl -fsS https://api.ipify.org)

case "$DATABASE_ENGINE" in
sqlserver)
  command -v sqlcmd >/dev/null || { echo "postprovision: go-sqlcmd (sqlcmd) is required" >&2; exit 1; }
  az sql server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -s "$server_name" -n azd-postprovision \
    --start-ip-address "$ip" --end-ip-address "$ip" >/dev/null
  trap 'az sql server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -s "$server_name" -n azd-postprovision >/dev/null' EXIT
  echo "postprovision: applying the FuncLedger migrations to $DATABASE_NAME (SQL Server)"
  sqlcmd -S "tcp:$DATABASE_HOST,1433" -d "$DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b \
    -i "$here/src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql"
  echo "postprovision: granting $APP_IDENTITY_NAME read/write access"
  sqlcmd -S "tcp:$DATABASE_HOST,1433" -d "$DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b -Q "
IF DATABASE_PRINCIPAL_ID('$APP_IDENTITY_NAME') IS NULL CREATE USER [$APP_IDENTITY_NAME] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [$APP_IDENTITY_NAME];
ALTER ROLE db_datawriter ADD MEMBER [$APP_IDENTITY_NAME];"
  ;;
postgres)
  : "${DATABASE_ADMIN_LOGIN:?}"
  command -v psql >/dev/null || { echo "postprovision: psql is required" >&2; exit 1; }
  az postgres flexible-server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -n "$server_name" -r azd-postprovision \
    --start-ip-address "$ip" --end-ip-address "$ip" >/dev/null
  trap 'az postgres flexible-server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -n "$server_name" -r azd-postprovision --yes >/dev/null' EXIT
  echo "postprovision: applying the FuncLedger migrations to $DATABASE_NAME (PostgreSQL)"
  Ledger__Postgres__Authentication=entra dotnet run --project "$here/src/FuncLedger.Cli" -c Release -- migrate \
    --provider postgres --connection "Host=$DATABASE_HOST;Database=$DATABASE_NAME;Username=$DATABASE_ADMIN_LOGIN;SSL Mode=VerifyFull"
  echo "postprovision: granting $APP_IDENTITY_NAME read/write access"
  PGPASSWORD=$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)
  export PGPASSWORD
  psql "host=$DATABASE_HOST dbname=postgres user=$DATABASE_ADMIN_LOGIN sslmode=require" -v ON_ERROR_STOP=1 -q -c "
SELECT * FROM pgaadauth_create_principal('$APP_IDENTITY_NAME', false, false)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_IDENTITY_NAME');"
  psql "host=$DATABASE_HOST dbname=$DATABASE_NAME user=$DATABASE_ADMIN_LOGIN sslmode=require" -v ON_ERROR_STOP=1 -q -c "
GRANT USAGE ON SCHEMA public TO \"$APP_IDENTITY_NAME\";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"$APP_IDENTITY_NAME\";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"$APP_IDENTITY_NAME\";"
  ;;
*)
  echo "postprovision: unknown DATABASE_ENGINE '$DATABASE_ENGINE' (sqlserver or postgres)" >&2; exit 1 ;;
esac
