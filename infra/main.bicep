// FuncLedger on Azure: a Flex Consumption function app (.NET 10 isolated) with a managed identity, identity-only
// storage for the host and the payout queues, Azure SQL serverless with Microsoft Entra-only authentication, and
// Application Insights on Log Analytics with local auth off. Deployed with `azd up` (see azure.yaml).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used in resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the Microsoft Entra principal that administers the SQL server and applies migrations (azd sets AZURE_PRINCIPAL_ID).')
param principalId string

@description('Login name shown for that SQL administrator.')
param principalName string = 'funcledger-sql-admin'

@allowed([
  'User'
  'Group'
  'Application'
])
@description('Kind of principal the SQL administrator is.')
param principalType string = 'User'

@description('NCRONTAB schedule (UTC) of the nightly reconciliation.')
param reconcileSchedule string = '0 0 3 * * *'

var tags = {
  'azd-env-name': environmentName
}

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'funcledger-resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    sqlAdminObjectId: principalId
    sqlAdminLogin: principalName
    sqlAdminPrincipalType: principalType
    reconcileSchedule: reconcileSchedule
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = resources.outputs.functionAppName
output FUNCTION_APP_URL string = resources.outputs.functionAppUrl
output STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output SQL_SERVER_FQDN string = resources.outputs.sqlServerFqdn
output SQL_DATABASE_NAME string = resources.outputs.sqlDatabaseName
output APP_IDENTITY_NAME string = resources.outputs.identityName
