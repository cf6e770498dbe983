// databaseEngine = 'sqlserver' (the default): Azure SQL serverless (auto-pause after an hour idle) on a logical server
// with Microsoft Entra-only authentication. The app signs in as its user-assigned managed identity; the postprovision
// hook applies the migrations and creates that identity as a database user.
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
param appIdentityClientId string

@description('Serverless compute size: GP_S_Gen5_{max vCores}.')
param skuName string

@description('Minutes without a session before the serverless database pauses (15 or more; -1 never pauses).')
param autoPauseDelayMinutes int

@description('True: public network access off, no firewall rule; the app reaches the server through a private endpoint.')
param privateNetworking bool

var databaseName = 'funcledger'

resource server 'Microsoft.Sql/servers@2025-01-01' = {
  name: 'sql-funcledger-${token}'
  location: location
  tags: tags
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminObjectId
      principalType: adminPrincipalType
      tenantId: subscription().tenantId
    }
  }
}

// 0.0.0.0 - 0.0.0.0 is Azure's "allow Azure services" rule: nothing outside Azure reaches the server. None in private mode.
resource azureServices 'Microsoft.Sql/servers/firewallRules@2025-01-01' = if (!privateNetworking) {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource database 'Microsoft.Sql/servers/databases@2025-01-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: 'GeneralPurpose'
    family: 'Gen5'
    capacity: int(last(split(skuName, '_')))
  }
  properties: {
    autoPauseDelay: autoPauseDelayMinutes
    minCapacity: json('0.5')
    zoneRedundant: false
    requestedBackupStorageRedundancy: 'Local'
  }
}

output host string = server.properties.fullyQualifiedDomainName
output serverId string = server.id
output databaseName string = database.name
output connectionString string = 'Server=tcp:${server.properties.fullyQualifiedDomainName},1433;Database=${databaseName};Authentication=Active Directory Managed Identity;User Id=${appIdentityClientId};Encrypt=True;TrustServerCertificate=False;'
