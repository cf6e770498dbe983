// databaseEngine = 'postgres': Azure Database for PostgreSQL Flexible Server (the engine the tests run on), with
// Microsoft Entra authentication only (password auth off), TLS required, a Burstable SKU by default. The deploying
// principal is the Entra administrator; the postprovision hook applies the migrations as that administrator and
// creates the app's managed identity as a role. The app signs in with the identity's tokens
// (Ledger__Postgres__Authentication=entra).
param location string
param tags object
param token string
param adminObjectId string
param adminLogin string
@allowed([
  'User'
  'Group'
  'Application'
])
param adminPrincipalType string
param appIdentityName string

@description('Compute SKU of the flexible server.')
param skuName string

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
@description('Compute tier of the flexible server.')
param skuTier string

@description('True: public network access off, no firewall rule; the app reaches the server through a private endpoint.')
param privateNetworking bool

var databaseName = 'funcledger'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = {
  name: 'psql-funcledger-${token}'
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '15'
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: {
      publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    }
  }
}

resource admin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2025-08-01' = {
  parent: server
  name: adminObjectId
  properties: {
    principalName: adminLogin
    principalType: adminPrincipalType
    tenantId: subscription().tenantId
  }
}

// TLS on every connection (on by default; stated so that nobody turns it off by accident).
resource tls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [
    admin
  ]
}

// The write-ahead log: after each checkpoint the first change to a page writes the whole page to it, and a ledger keyed
// by random client keys changes a random page of each key index per write. Full-page images compressed (the service's
// default, stated), and room for 8 GB of WAL between checkpoints so that those images do not force the next checkpoint
// (docs/benchmarks.md, random keys at 50,000,000 entries). Server parameters are set one after another.
resource walCompression 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'wal_compression'
  properties: {
    value: 'on'
    source: 'user-override'
  }
  dependsOn: [
    tls
  ]
}

resource maxWalSize 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2025-08-01' = {
  parent: server
  name: 'max_wal_size'
  properties: {
    value: '8192'
    source: 'user-override'
  }
  dependsOn: [
    walCompression
  ]
}

// 0.0.0.0 - 0.0.0.0 allows Azure services only: nothing outside Azure reaches the server. None in private mode.
resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (!privateNetworking) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    maxWalSize
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    azureServices
  ]
}

output host string = server.properties.fullyQualifiedDomainName
output serverId string = server.id
output databaseName string = database.name
output adminLogin string = adminLogin
output connectionString string = 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Database=${databaseName};Username=${appIdentityName};SSL Mode=VerifyFull'
