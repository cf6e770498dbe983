// Every FuncLedger resource in one resource group. Plain resource declarations only (no registry modules).
param environmentName string
param location string
param tags object
param sqlAdminObjectId string
param sqlAdminLogin string
@allowed([
  'User'
  'Group'
  'Application'
])
param sqlAdminPrincipalType string
param reconcileSchedule string
@allowed([
  'sqlserver'
  'postgres'
])
param databaseEngine string
param postgresSkuName string
param postgresSkuTier string
param sqlSkuName string
param sqlAutoPauseDelayMinutes int
param alertEmail string
param maximumInstanceCount int
param databasePoolSize int
param holdExpirySchedule string
param privateNetworking bool

// The capacity rule: every instance opens at most `poolSize` connections, so the instances the plan may run, times the pool,
// stay within the database tier's limit less a reserve for migrations, the CLI and an operator's session. The limits are
// Azure's documented ones: Azure SQL serverless, max concurrent workers (each active request holds one); PostgreSQL Flexible
// Server, max connections less the 15 Azure reserves for replication and monitoring.
var connectionLimits = {
  sqlserver: {
    GP_S_Gen5_1: 75
    GP_S_Gen5_2: 150
    GP_S_Gen5_4: 300
    GP_S_Gen5_8: 600
  }
  postgres: {
    Standard_B1ms: 35
    Standard_B2s: 414
    Standard_B2ms: 844
    Standard_B4ms: 1703
    Standard_D2ds_v5: 844
    Standard_D4ds_v5: 1703
    Standard_D8ds_v5: 3422
    Standard_E2ds_v5: 1703
    Standard_E4ds_v5: 3422
  }
}
var connectionsReserved = 5
var poolSizeDefaultMax = 8
var connectionLimit = connectionLimits[databaseEngine][databaseEngine == 'sqlserver' ? sqlSkuName : postgresSkuName]
var connectionsForApp = connectionLimit - connectionsReserved
var poolSize = databasePoolSize == 0 ? min(poolSizeDefaultMax, connectionsForApp / maximumInstanceCount) : databasePoolSize
// A combination that does not fit fails the deployment before anything is created, not the app under load (53300 or 10928).
var checkedPoolSize = poolSize >= 1 && maximumInstanceCount * poolSize <= connectionsForApp
  ? poolSize
  : fail('maximumInstanceCount x databasePoolSize exceeds the database tier\'s connections less the reserve: lower either, or choose a larger SKU.')

// The hold-expiry timer only tidies (an expired hold never counts, whether it ran or not). On Azure SQL serverless it runs
// every 6 hours: any cadence shorter than the auto-pause delay keeps the database online around the clock.
var holdExpiry = !empty(holdExpirySchedule) ? holdExpirySchedule : (databaseEngine == 'sqlserver' ? '0 0 */6 * * *' : '0 * * * * *')

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var functionAppName = 'func-funcledger-${token}'
var deploymentContainer = 'app-package-${take(token, 8)}'
var historyLinkSecretName = 'history-link-secret'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-funcledger-${token}'
  location: location
  tags: tags
}

resource logs 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: 'log-funcledger-${token}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-funcledger-${token}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' = {
  name: 'stfl${take(token, 18)}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    defaultToOAuthAuthentication: true
    networkAcls: {
      bypass: 'None'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2025-06-01' = {
  parent: blobs
  name: deploymentContainer
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2025-06-01' = {
  parent: storage
  name: 'default'
}

resource payoutQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = {
  parent: queues
  name: 'payout-awards'
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2025-06-01' = {
  parent: queues
  name: 'payout-awards-poison'
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageQueueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

module sql 'database-sqlserver.bicep' = if (databaseEngine == 'sqlserver') {
  name: 'funcledger-database-sqlserver'
  params: {
    location: location
    tags: tags
    token: token
    adminObjectId: sqlAdminObjectId
    adminLogin: sqlAdminLogin
    adminPrincipalType: sqlAdminPrincipalType
    appIdentityClientId: identity.properties.clientId
    skuName: sqlSkuName
    autoPauseDelayMinutes: sqlAutoPauseDelayMinutes
    privateNetworking: privateNetworking
  }
}

module postgres 'database-postgres.bicep' = if (databaseEngine == 'postgres') {
  name: 'funcledger-database-postgres'
  params: {
    location: location
    tags: tags
    token: token
    adminObjectId: sqlAdminObjectId
    adminLogin: sqlAdminLogin
    adminPrincipalType: sqlAdminPrincipalType
    appIdentityName: identity.name
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    privateNetworking: privateNetworking
  }
}

// What the app and the postprovision hook need from whichever engine was deployed.
var database = databaseEngine == 'sqlserver'
  ? {
      host: sql!.outputs.host
      name: sql!.outputs.databaseName
      connectionString: sql!.outputs.connectionString
      serverId: sql!.outputs.serverId
    }
  : {
      host: postgres!.outputs.host
      name: postgres!.outputs.databaseName
      connectionString: postgres!.outputs.connectionString
      serverId: postgres!.outputs.serverId
    }

module vault 'keyvault.bicep' = {
  name: 'funcledger-keyvault'
  params: {
    location: location
    tags: tags
    token: token
    appPrincipalId: identity.properties.principalId
    appIdentityId: identity.id
    adminObjectId: sqlAdminObjectId
    adminPrincipalType: sqlAdminPrincipalType
    privateNetworking: privateNetworking
  }
}

module network 'network.bicep' = if (privateNetworking) {
  name: 'funcledger-network'
  params: {
    location: location
    tags: tags
    token: token
    targets: [
      {
        name: 'blob'
        id: storage.id
        groupId: 'blob'
        zone: 'privatelink.blob.${environment().suffixes.storage}'
      }
      {
        name: 'queue'
        id: storage.id
        groupId: 'queue'
        zone: 'privatelink.queue.${environment().suffixes.storage}'
      }
      {
        name: 'table'
        id: storage.id
        groupId: 'table'
        zone: 'privatelink.table.${environment().suffixes.storage}'
      }
      {
        name: 'vault'
        id: vault.outputs.id
        groupId: 'vault'
        zone: 'privatelink.vaultcore.azure.net'
      }
      {
        name: 'database'
        id: database.serverId
        groupId: databaseEngine == 'sqlserver' ? 'sqlServer' : 'postgresqlServer'
        zone: databaseEngine == 'sqlserver'
          ? 'privatelink${environment().suffixes.sqlServerHostname}'
          : 'privatelink.postgres.database.azure.com'
      }
    ]
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'funcledger-monitoring'
  params: {
    location: location
    tags: tags
    workspaceId: logs.id
    insightsId: insights.id
    alertEmail: alertEmail
  }
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: 'plan-funcledger-${token}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: functionAppName
  location: location
  tags: union(tags, {
    'azd-service-name': 'api'
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    // Private mode: the app's outbound traffic (storage, Key Vault, database) goes through the network's private endpoints.
    virtualNetworkSubnetId: privateNetworking ? network!.outputs.appSubnetId : null
    // Key Vault references resolve with the app's user-assigned identity.
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'AzureWebJobsStorage__blobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'AzureWebJobsStorage__queueServiceUri'
          value: storage.properties.primaryEndpoints.queue
        }
        {
          name: 'AzureWebJobsStorage__tableServiceUri'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: insights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        {
          name: 'Ledger__Provider'
          value: databaseEngine
        }
        {
          name: 'ConnectionStrings__Ledger'
          value: database.connectionString
        }
        {
          // On PostgreSQL the app signs in with its identity's Entra tokens (read only when Ledger__Provider is postgres;
          // SQL Server's connection string names its own authentication).
          name: 'Ledger__Postgres__Authentication'
          value: 'entra'
        }
        {
          name: 'Ledger__Postgres__ManagedIdentityClientId'
          value: identity.properties.clientId
        }
        {
          name: 'ReconcileSchedule'
          value: reconcileSchedule
        }
        {
          name: 'HoldExpirySchedule'
          value: holdExpiry
        }
        {
          name: 'Ledger__PoolSizeMax'
          value: string(checkedPoolSize)
        }
        {
          name: 'Reconcile__FixDrift'
          value: 'false'
        }
        {
          // The history links' HMAC key and, during a rotation, the previous one: Key Vault references (no secret in the app's
          // settings), resolved with the app's identity. The postprovision hook creates both once.
          name: 'HistoryLinks__Secret'
          value: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${historyLinkSecretName})'
        }
        {
          name: 'HistoryLinks__PreviousSecret'
          value: '@Microsoft.KeyVault(VaultName=${vault.outputs.name};SecretName=${historyLinkSecretName}-previous)'
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  dependsOn: [
    blobRole
    queueRole
    tableRole
    packages
  ]
}

// FTP and basic-auth deployment are off: deployments authenticate with Microsoft Entra ID.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
output databaseHost string = database.host
output databaseName string = database.name
output identityName string = identity.name
output keyVaultName string = vault.outputs.name
output databasePoolSize int = checkedPoolSize
output alertActionGroupId string = monitoring.outputs.actionGroupId
output workbookId string = monitoring.outputs.workbookId
