// FuncLedger on Azure: a Flex Consumption function app (.NET 10 isolated) with a managed identity, identity-only
// storage for the host and the payout queues, the ledger's database (databaseEngine: Azure SQL serverless with
// Microsoft Entra-only authentication, or PostgreSQL Flexible Server with Entra authentication), and
// Application Insights on Log Analytics with local auth off. Deployed with `azd up` (see azure.yaml).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used in resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region for every resource.')
param location string

@description('Object id of the Microsoft Entra principal that administers the database server and applies migrations (azd sets AZURE_PRINCIPAL_ID).')
param principalId string

@description('Login name of that database administrator (on PostgreSQL, the role name it signs in with).')
param principalName string = 'funcledger-sql-admin'

@allowed([
  'User'
  'Group'
  'Application'
])
@description('Kind of principal the database administrator is.')
param principalType string = 'User'

@allowed([
  'sqlserver'
  'postgres'
])
@description('The ledger\'s database: sqlserver (Azure SQL serverless, Entra-only; the default) or postgres (Azure Database for PostgreSQL Flexible Server with Entra authentication, the engine the tests run on).')
param databaseEngine string = 'sqlserver'

@allowed([
  'Standard_B1ms'
  'Standard_B2s'
  'Standard_B2ms'
  'Standard_B4ms'
  'Standard_D2ds_v5'
  'Standard_D4ds_v5'
  'Standard_D8ds_v5'
  'Standard_E2ds_v5'
  'Standard_E4ds_v5'
])
@description('Compute SKU of the PostgreSQL flexible server (databaseEngine = postgres); its connection limit bounds the capacity rule.')
param postgresSkuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
@description('Compute tier of the PostgreSQL flexible server (databaseEngine = postgres).')
param postgresSkuTier string = 'Burstable'

@allowed([
  'GP_S_Gen5_1'
  'GP_S_Gen5_2'
  'GP_S_Gen5_4'
  'GP_S_Gen5_8'
])
@description('Azure SQL serverless compute size (databaseEngine = sqlserver): GP_S_Gen5_{max vCores}; its worker limit bounds the capacity rule.')
param sqlSkuName string = 'GP_S_Gen5_1'

@minValue(-1)
@maxValue(10080)
@description('Minutes without a session before Azure SQL serverless pauses (15 or more; -1 never pauses).')
param sqlAutoPauseDelayMinutes int = 60

@minValue(1)
@maxValue(1000)
@description('The most instances the Flex Consumption plan may run; times databasePoolSize it must fit the database tier.')
param maximumInstanceCount int = 10

@minValue(0)
@maxValue(200)
@description('Database connections per instance (Ledger__PoolSizeMax); 0 = the most that fits the tier, at most 8.')
param databasePoolSize int = 0

@description('NCRONTAB schedule (UTC) of the hold-expiry cleanup; empty = every 6 hours on Azure SQL serverless (so it can pause), every minute on PostgreSQL.')
param holdExpirySchedule string = ''

@allowed([
  'public'
  'private'
])
@description('public: the services accept traffic from Azure only, through their firewalls. private: a virtual network, private endpoints for storage, Key Vault and the database, and their public access off.')
param networkMode string = 'public'

@description('NCRONTAB schedule (UTC) of the nightly reconciliation.')
param reconcileSchedule string = '0 0 3 * * *'

@description('Email of the operators who receive FuncLedger\'s alerts (drift, poisoned or rejected payouts, 5xx rate, p99 latency); no email when empty.')
param alertEmail string = ''

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
    databaseEngine: databaseEngine
    postgresSkuName: postgresSkuName
    postgresSkuTier: postgresSkuTier
    alertEmail: alertEmail
    sqlSkuName: sqlSkuName
    sqlAutoPauseDelayMinutes: sqlAutoPauseDelayMinutes
    maximumInstanceCount: maximumInstanceCount
    databasePoolSize: databasePoolSize
    holdExpirySchedule: holdExpirySchedule
    privateNetworking: networkMode == 'private'
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = resources.outputs.functionAppName
output FUNCTION_APP_URL string = resources.outputs.functionAppUrl
output STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output DATABASE_ENGINE string = databaseEngine
output DATABASE_HOST string = resources.outputs.databaseHost
output DATABASE_NAME string = resources.outputs.databaseName
output DATABASE_ADMIN_LOGIN string = principalName
output APP_IDENTITY_NAME string = resources.outputs.identityName
output ALERT_ACTION_GROUP_ID string = resources.outputs.alertActionGroupId
output WORKBOOK_ID string = resources.outputs.workbookId
output KEY_VAULT_NAME string = resources.outputs.keyVaultName
output NETWORK_MODE string = networkMode
output DATABASE_POOL_SIZE int = resources.outputs.databasePoolSize
