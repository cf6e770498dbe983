#!/bin/sh
# azd postprovision: after the infrastructure exists and before the app is deployed and takes traffic,
#   1. applies the migrations (migrate.sh: as the database's Entra administrator, never as the app);
#   2. makes the app's managed identity a member of funcledger_app, the least-privilege role the migrations create (SELECT
#      and INSERT on entries, UPDATE of the columns the app moves, no DELETE anywhere); nothing else;
#   3. creates the history links' secret in Key Vault once, when it is missing (a provision never replaces it: links
#      issued before keep working). The previous-secret slot starts equal to it; see rotate-history-link-secret.sh.
# Needs the Azure CLI (az), openssl, and go-sqlcmd (sqlcmd) or psql with the .NET SDK, on PATH. In networkMode private,
# run azd from a machine in the virtual network: the database and the vault have no public endpoint.
set -eu
: "${AZURE_RESOURCE_GROUP:?run through azd}"
: "${DATABASE_ENGINE:?}"; : "${DATABASE_HOST:?}"; : "${DATABASE_NAME:?}"; : "${APP_IDENTITY_NAME:?}"; : "${DATABASE_ADMIN_LOGIN:?}"
: "${KEY_VAULT_NAME:?}"
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/migrate.sh"
. "$here/firewall.sh"
open_firewall azd-grant

echo "postprovision: $APP_IDENTITY_NAME joins funcledger_app (least privilege)"
case "$DATABASE_ENGINE" in
sqlserver)
  sqlcmd -S "tcp:$DATABASE_HOST,1433" -d "$DATABASE_NAME" --authentication-method ActiveDirectoryDefault -b -Q "
IF DATABASE_PRINCIPAL_ID('$APP_IDENTITY_NAME') IS NULL CREATE USER [$APP_IDENTITY_NAME] FROM EXTERNAL PROVIDER;
ALTER ROLE funcledger_app ADD MEMBER [$APP_IDENTITY_NAME];
IF IS_ROLEMEMBER('db_datawriter', '$APP_IDENTITY_NAME') = 1 ALTER ROLE db_datawriter DROP MEMBER [$APP_IDENTITY_NAME];
IF IS_ROLEMEMBER('db_datareader', '$APP_IDENTITY_NAME') = 1 ALTER ROLE db_datareader DROP MEMBER [$APP_IDENTITY_NAME];"
  ;;
postgres)
  command -v psql >/dev/null || { echo "postprovision: psql is required" >&2; exit 1; }
  PGPASSWORD=$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)
  export PGPASSWORD
  psql "host=$DATABASE_HOST dbname=postgres user=$DATABASE_ADMIN_LOGIN sslmode=require" -v ON_ERROR_STOP=1 -q -c "
SELECT * FROM pgaadauth_create_principal('$APP_IDENTITY_NAME', false, false)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_IDENTITY_NAME');"
  psql "host=$DATABASE_HOST dbname=$DATABASE_NAME user=$DATABASE_ADMIN_LOGIN sslmode=require" -v ON_ERROR_STOP=1 -q -c "
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \"$APP_IDENTITY_NAME\";
GRANT funcledger_app TO \"$APP_IDENTITY_NAME\";"
  ;;
esac

# Role assignments on a new vault take a minute to reach its data plane: try for up to 3 minutes.
secret=history-link-secret
for attempt in $(seq 1 18); do
  if az keyvault secret show --vault-name "$KEY_VAULT_NAME" -n "$secret" --query id -o tsv >/dev/null 2>&1; then
    echo "postprovision: $secret exists in $KEY_VAULT_NAME (kept)"; exit 0
  fi
  value=$(openssl rand -base64 48)
  if az keyvault secret set --vault-name "$KEY_VAULT_NAME" -n "$secret" --value "$value" -o none 2>/dev/null \
    && az keyvault secret set --vault-name "$KEY_VAULT_NAME" -n "$secret-previous" --value "$value" -o none 2>/dev/null; then
    echo "postprovision: created $secret in $KEY_VAULT_NAME"; exit 0
  fi
  echo "postprovision: $KEY_VAULT_NAME not writable yet (attempt $attempt), waiting for the role assignment"
  sleep 10
done
echo "postprovision: could not create $secret in $KEY_VAULT_NAME" >&2
exit 1
