// The app's secrets (today the history links' HMAC key, and the previous one during a rotation) in a Key Vault with RBAC,
// soft delete and purge protection. Bicep creates no secret: a value written by a deployment would be replaced by every
// provision. The postprovision hook creates each secret once, if it is missing; the app reads them by Key Vault references
// with its managed identity (Key Vault Secrets User), and the deploying principal manages them (Key Vault Secrets Officer).
param location string
param tags object
param token string
param appPrincipalId string
@description('The app identity\'s resource id (names its role assignment deterministically).')
param appIdentityId string
param adminObjectId string
@allowed([
  'User'
  'Group'
  'Application'
])
param adminPrincipalType string

@description('True: the vault refuses public network access (it is reached through a private endpoint).')
param privateNetworking bool

var roles = {
  secretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  secretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: 'kv-fl-${take(token, 18)}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: privateNetworking ? 'Disabled' : 'Enabled'
    networkAcls: {
      bypass: 'None'
      defaultAction: privateNetworking ? 'Deny' : 'Allow'
    }
  }
}

resource appReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, appIdentityId, roles.secretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.secretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource adminManages 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, adminObjectId, roles.secretsOfficer)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.secretsOfficer)
    principalId: adminObjectId
    principalType: adminPrincipalType
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
