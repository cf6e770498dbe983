#!/bin/sh
# azd postprovision: applies src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql (idempotent) to the new
# database as the Microsoft Entra SQL administrator (the signed-in azd user), and creates the function app's managed
# identity as a database user with read/write rights. Needs the Azure CLI (az) and go-sqlcmd (sqlcmd) on PATH.
# The caller's public IP is allowed through the SQL firewall for the duration of the hook only.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${SQL_SERVER_FQDN:?}"; : "${SQL_DATABASE_NAME:?}"; : "${APP_IDENTITY_NAME:?}"
server_name=${SQL_SERVER_FQDN%%.*}
command -v az >/dev/null || { echo "postprovision: the Azure CLI (az) is required" >&2; exit 1; }
command -v sqlcmd >/dev/null || { echo "postprovision: go-sqlcmd (sqlcmd) is required" >&2; exit 1; }

ip=$(curl -fsS https://api.ipify.org)
az sql server firewall-rule create -g "$AZURE_RESOURCE_GROUP" -s "$server_name" -n azd-postprovision \
  --start-ip-address "$ip" --end-ip-address "$ip" >/dev/null
trap 'az sql server firewall-rule delete -g "$AZURE_RESOURCE_GROUP" -s "$server_name" -n azd-postprovision >/dev/null' EXIT

here=$(cd "$(dirname "$0")/../.." && pwd)
echo "postprovision: applying the FuncLedger migrations to $SQL_DATABASE_NAME"
sqlcmd -S "tcp:$SQL_SERVER_FQDN,1433" -d "$SQL_DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b \
  -i "$here/src/FuncLedger.Migrations.SqlServer/funcledger-sqlserver.sql"
echo "postprovision: granting $APP_IDENTITY_NAME read/write access"
sqlcmd -S "tcp:$SQL_SERVER_FQDN,1433" -d "$SQL_DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b -Q "
IF DATABASE_PRINCIPAL_ID('$APP_IDENTITY_NAME') IS NULL CREATE USER [$APP_IDENTITY_NAME] FROM EXTERNAL PROVIDER;
ALTER ROLE db_datareader ADD MEMBER [$APP_IDENTITY_NAME];
ALTER ROLE db_datawriter ADD MEMBER [$APP_IDENTITY_NAME];"
