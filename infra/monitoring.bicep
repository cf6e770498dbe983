// FuncLedger's alerts and dashboard: log alerts on the workspace behind Application Insights (the app exports its
// FuncLedger meter there, the host its requests and traces), one action group that emails the operators, and a workbook.
param location string
param tags object
param workspaceId string
param insightsId string
@description('Operators\' email for the alerts; no email receiver when empty.')
param alertEmail string

var token = toLower(uniqueString(resourceGroup().id, insightsId))

resource operators 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-funcledger-${token}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'funcledger'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'operators'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

// Each rule: a KQL query over the workspace whose one numeric column is compared with a threshold.
var rules = [
  {
    name: 'drift-found'
    severity: 1
    description: 'The nightly reconciliation found wallets whose cached balance or held coins disagree with the ledger.'
    frequency: 'PT1H'
    window: 'PT1H'
    query: 'AppMetrics | where Name == "funcledger.reconcile.drift_found" and tostring(Properties.trigger) == "timer" | summarize Drifted = sum(Sum)'
    measure: 'Drifted'
    threshold: 0
  }
  {
    name: 'payout-poison'
    severity: 2
    description: 'A payout message was moved to payout-awards-poison: list it with `funcledger payouts poison list`, requeue it once the cause is fixed.'
    frequency: 'PT15M'
    window: 'PT15M'
    query: 'AppTraces | where Message has "payout-awards-poison" | summarize Poisoned = count()'
    measure: 'Poisoned'
    threshold: 0
  }
  {
    name: 'payout-rejections'
    severity: 2
    description: 'Payout messages were rejected in the last hour (invalid, or conflicting with an award already paid): `funcledger payouts rejections`.'
    frequency: 'PT15M'
    window: 'PT1H'
    query: 'AppMetrics | where Name == "funcledger.payouts.awards" and tostring(Properties.outcome) == "rejected" | summarize Rejected = sum(Sum)'
    measure: 'Rejected'
    threshold: 0
  }
  {
    name: 'http-5xx-rate'
    severity: 1
    description: 'More than 1% of HTTP requests answered 5xx over 5 minutes.'
    frequency: 'PT5M'
    window: 'PT5M'
    query: 'AppRequests | summarize Total = count(), Failed = countif(toint(ResultCode) >= 500) | where Total > 0 | project FailedPercent = 100.0 * Failed / Total'
    measure: 'FailedPercent'
    threshold: 1
  }
  {
    name: 'http-p99-latency'
    severity: 2
    description: 'The 99th percentile of HTTP request duration was over 1 s for 5 minutes.'
    frequency: 'PT5M'
    window: 'PT5M'
    query: 'AppRequests | summarize P99Ms = percentile(DurationMs, 99)'
    measure: 'P99Ms'
    threshold: 1000
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for rule in rules: {
    name: 'alert-funcledger-${rule.name}-${token}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: 'FuncLedger: ${rule.name}'
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        workspaceId
      ]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: rule.measure
            operator: 'GreaterThan'
            threshold: rule.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      autoMitigate: true
      actions: {
        actionGroups: [
          operators.id
        ]
      }
    }
  }
]

// The workbook: operations/s, latency, replays, payout lag and drift, from the same tables.
var tiles = [
  {
    title: 'Ledger operations per second, by operation and outcome'
    query: 'AppMetrics | where Name == "funcledger.operations" | summarize PerSecond = sum(Sum) / 300.0 by bin(TimeGenerated, 5m), Series = strcat(tostring(Properties.operation), " ", tostring(Properties.outcome)) | render timechart'
  }
  {
    title: 'HTTP latency (ms): p50, p99'
    query: 'AppRequests | summarize p50 = percentile(DurationMs, 50), p99 = percentile(DurationMs, 99) by bin(TimeGenerated, 5m) | render timechart'
  }
  {
    title: 'Ledger operation duration (ms, mean), by operation'
    query: 'AppMetrics | where Name == "funcledger.operation.duration" | summarize MeanMs = 1000.0 * sum(Sum) / sum(ItemCount) by bin(TimeGenerated, 5m), Operation = tostring(Properties.operation) | render timechart'
  }
  {
    title: 'Replays, conflicts and insufficient funds'
    query: 'AppMetrics | where Name in ("funcledger.replays", "funcledger.conflicts", "funcledger.insufficient_funds") | summarize Count = sum(Sum) by bin(TimeGenerated, 5m), Name | render timechart'
  }
  {
    title: 'Payout lag (s, mean) and awards by outcome'
    query: 'AppMetrics | where Name in ("funcledger.payouts.lag", "funcledger.payouts.awards") | summarize Value = iff(Name == "funcledger.payouts.lag", sum(Sum) / sum(ItemCount), sum(Sum)) by bin(TimeGenerated, 5m), Series = strcat(Name, " ", tostring(Properties.outcome)) | render timechart'
  }
  {
    title: 'Drift found and fixed, by trigger'
    query: 'AppMetrics | where Name in ("funcledger.reconcile.drift_found", "funcledger.reconcile.drift_fixed") | summarize Wallets = sum(Sum) by bin(TimeGenerated, 1h), Series = strcat(Name, " ", tostring(Properties.trigger)) | render columnchart'
  }
]

var workbookItems = [
  for (tile, i) in tiles: {
    type: 3
    name: 'tile-${i}'
    content: {
      version: 'KqlItem/1.0'
      title: tile.title
      query: tile.query
      size: 0
      timeContext: {
        durationMs: 86400000
      }
      queryType: 0
      resourceType: 'microsoft.operationalinsights/workspaces'
      crossComponentResources: [
        workspaceId
      ]
    }
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, insightsId, 'funcledger-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'FuncLedger operations'
    category: 'workbook'
    sourceId: insightsId
    serializedData: string({
      version: 'Notebook/1.0'
      items: workbookItems
      '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
    })
  }
}

output actionGroupId string = operators.id
output workbookId string = workbook.id
