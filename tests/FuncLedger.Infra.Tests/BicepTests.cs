using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using FuncLedger.Core.Reconciliation;

namespace FuncLedger.Infra.Tests;

/// <summary>
/// infra/ is built and linted by the bicep binary from the Azure.Bicep.CommandLine.linux-x64 package (restored with
/// the build), and the compiled ARM template is read to check what production relies on.
/// </summary>
public sealed partial class BicepTests
{
    private static readonly Lazy<(int ExitCode, string Stdout, string Stderr)> Build = new(() => Bicep("build", Main, "--stdout"));

    private static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FuncLedger.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("FuncLedger.sln not found.");
        }
    }

    private static string Main => Path.Combine(Root, "infra", "main.bicep");

    private static (int ExitCode, string Stdout, string Stderr) Bicep(params string[] args)
    {
        var package = typeof(BicepTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!;
        var start = new ProcessStartInfo(Path.Combine(package, "tools", "bicep"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>The compiled template and every nested deployment's template.</summary>
    private static List<JsonElement> Templates()
    {
        var build = Build.Value;
        Assert.Equal(0, build.ExitCode);
        var templates = new List<JsonElement>();
        void Walk(JsonElement template)
        {
            templates.Add(template);
            var resources = template.GetProperty("resources");
            foreach (var resource in resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray())
            {
                if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
                {
                    Walk(resource.GetProperty("properties").GetProperty("template"));
                }
            }
        }

        Walk(JsonDocument.Parse(build.Stdout).RootElement);
        return templates;
    }

    /// <summary>Every resource of the compiled template, nested deployments included.</summary>
    private static List<JsonElement> Resources()
    {
        var build = Build.Value;
        Assert.Equal(0, build.ExitCode);
        var all = new List<JsonElement>();
        void Walk(JsonElement template)
        {
            var resources = template.GetProperty("resources");
            var items = resources.ValueKind == JsonValueKind.Object
                ? resources.EnumerateObject().Select(p => p.Value)
                : resources.EnumerateArray();
            foreach (var resource in items)
            {
                all.Add(resource);
                if (resource.GetProperty("type").GetString() == "Microsoft.Resources/deployments")
                {
                    Walk(resource.GetProperty("properties").GetProperty("template"));
                }
            }
        }

        Walk(JsonDocument.Parse(build.Stdout).RootElement);
        return all;
    }

    private static JsonElement One(string type) => Assert.Single(Resources(), r => r.GetProperty("type").GetString() == type);

    private static JsonElement Props(JsonElement resource) => resource.GetProperty("properties");

    [Fact]
    public void Bicep_builds_with_no_warning_and_the_linter_finds_nothing()
    {
        var build = Build.Value;
        var lint = Bicep("lint", Main);

        Assert.Equal(0, build.ExitCode);
        Assert.Equal("", build.Stderr.Trim());
        Assert.Equal(0, lint.ExitCode);
        Assert.Equal("", (lint.Stdout + lint.Stderr).Trim());
    }

    [Fact]
    public void The_function_app_runs_on_flex_consumption_with_dotnet_10_isolated_and_a_managed_identity()
    {
        var plan = One("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.GetProperty("sku").GetProperty("name").GetString());
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());

        var app = One("Microsoft.Web/sites");
        Assert.Equal("functionapp,linux", app.GetProperty("kind").GetString());
        Assert.Contains("UserAssigned", app.GetProperty("identity").GetProperty("type").GetString(), StringComparison.Ordinal);
        var runtime = Props(app).GetProperty("functionAppConfig").GetProperty("runtime");
        Assert.Equal(("dotnet-isolated", "10.0"), (runtime.GetProperty("name").GetString(), runtime.GetProperty("version").GetString()));
        Assert.True(Props(app).GetProperty("httpsOnly").GetBoolean());
        var site = Props(app).GetProperty("siteConfig");
        Assert.Equal("1.2", site.GetProperty("minTlsVersion").GetString());
        Assert.Equal("Disabled", site.GetProperty("ftpsState").GetString());
        var deployment = Props(app).GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage");
        Assert.Equal("UserAssignedIdentity", deployment.GetProperty("authentication").GetProperty("type").GetString());
        Assert.All(Resources().Where(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies"),
            r => Assert.False(Props(r).GetProperty("allow").GetBoolean()));
        Assert.Equal(2, Resources().Count(r => r.GetProperty("type").GetString() == "Microsoft.Web/sites/basicPublishingCredentialsPolicies"));
    }

    [Fact]
    public void Storage_refuses_shared_keys_and_the_host_reaches_it_by_identity_with_the_roles_it_needs()
    {
        var storage = Props(One("Microsoft.Storage/storageAccounts"));
        Assert.False(storage.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(storage.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.Equal("TLS1_2", storage.GetProperty("minimumTlsVersion").GetString());
        Assert.True(storage.GetProperty("supportsHttpsTrafficOnly").GetBoolean());

        var queues = Resources().Where(r => r.GetProperty("type").GetString() == "Microsoft.Storage/storageAccounts/queueServices/queues")
            .Select(r => r.GetProperty("name").GetString()!).ToArray();
        Assert.Contains(queues, q => q.Contains("payout-awards'", StringComparison.Ordinal) || q.EndsWith("payout-awards", StringComparison.Ordinal));
        Assert.Contains(queues, q => q.Contains("payout-awards-poison", StringComparison.Ordinal));

        var settings = AppSettings();
        Assert.Equal("managedidentity", settings["AzureWebJobsStorage__credential"]);
        Assert.Contains("AzureWebJobsStorage__accountName", settings.Keys);
        Assert.DoesNotContain("AzureWebJobsStorage", settings.Keys);

        // Role ids are named in the module's variables; each assignment names one of them.
        var roleIds = Templates().Select(t => t.TryGetProperty("variables", out var v) && v.TryGetProperty("roles", out var r) ? r : default)
            .Single(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("storageBlobDataOwner", out _));
        var assigned = Resources().Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Select(r => Props(r).GetProperty("roleDefinitionId").GetString()!).ToArray();
        foreach (var (role, id) in new[]
        {
            ("storageBlobDataOwner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
            ("storageQueueDataContributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88"),
            ("storageTableDataContributor", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"),
        })
        {
            Assert.Equal(id, roleIds.GetProperty(role).GetString());
            Assert.Contains(assigned, a => a.Contains($"variables('roles').{role}", StringComparison.Ordinal));
        }
    }

    /// <summary>The nested deployment of one engine's module, and the condition that deploys it.</summary>
    private static (JsonElement Template, string Condition) Module(string name)
    {
        var module = Assert.Single(Resources(), r => r.GetProperty("type").GetString() == "Microsoft.Resources/deployments"
            && r.GetProperty("name").GetString() == name);
        return (Props(module).GetProperty("template"), module.TryGetProperty("condition", out var c) ? c.GetString()! : "");
    }

    private static JsonElement In(JsonElement template, string type) => Assert.Single(All(template, type));

    private static List<JsonElement> All(JsonElement template, string type)
    {
        var resources = template.GetProperty("resources");
        var items = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        return items.Where(r => r.GetProperty("type").GetString() == type).ToList();
    }

    private static string Output(JsonElement template, string name) => template.GetProperty("outputs").GetProperty(name).GetProperty("value").GetString()!;

    [Fact]
    public void The_database_engine_is_a_parameter_sqlserver_by_default_each_engine_one_conditional_module()
    {
        var main = JsonDocument.Parse(Build.Value.Stdout).RootElement;
        var engine = main.GetProperty("parameters").GetProperty("databaseEngine");
        Assert.Equal("sqlserver", engine.GetProperty("defaultValue").GetString());
        Assert.Equal(["sqlserver", "postgres"], engine.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!));
        Assert.Equal("[equals(parameters('databaseEngine'), 'sqlserver')]", Module("funcledger-database-sqlserver").Condition);
        Assert.Equal("[equals(parameters('databaseEngine'), 'postgres')]", Module("funcledger-database-postgres").Condition);

        // azd passes FUNCLEDGER_DATABASE_ENGINE (sqlserver unless set), and the app is told which provider it runs on.
        var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json"))).RootElement;
        Assert.Equal("${FUNCLEDGER_DATABASE_ENGINE=sqlserver}",
            parameters.GetProperty("parameters").GetProperty("databaseEngine").GetProperty("value").GetString());
        var settings = AppSettings();
        Assert.Equal("[parameters('databaseEngine')]", settings["Ledger__Provider"]);
        var connection = settings["ConnectionStrings__Ledger"];
        Assert.StartsWith("[if(equals(parameters('databaseEngine'), 'sqlserver'), ", connection, StringComparison.Ordinal);
        var (sqlOutput, postgresOutput) = (connection.IndexOf("'funcledger-database-sqlserver'", StringComparison.Ordinal),
            connection.IndexOf("'funcledger-database-postgres'", StringComparison.Ordinal));
        Assert.True(sqlOutput > 0 && postgresOutput > sqlOutput, "the sqlserver branch reads the sqlserver module, the other the postgres one");
        Assert.EndsWith(".connectionString]", connection, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_is_serverless_with_entra_only_authentication_reached_by_the_app_identity_from_azure_only()
    {
        var (sql, _) = Module("funcledger-database-sqlserver");
        var server = Props(In(sql, "Microsoft.Sql/servers"));
        var admin = server.GetProperty("administrators");
        Assert.True(admin.GetProperty("azureADOnlyAuthentication").GetBoolean());
        Assert.Equal("ActiveDirectory", admin.GetProperty("administratorType").GetString());
        Assert.Equal("1.2", server.GetProperty("minimalTlsVersion").GetString());

        var database = In(sql, "Microsoft.Sql/servers/databases");
        Assert.Equal("[parameters('skuName')]", database.GetProperty("sku").GetProperty("name").GetString());
        Assert.All(Allowed("sqlSkuName"), sku => Assert.StartsWith("GP_S_Gen5_", sku, StringComparison.Ordinal));

        var rule = Props(In(sql, "Microsoft.Sql/servers/firewallRules"));
        Assert.Equal(("0.0.0.0", "0.0.0.0"), (rule.GetProperty("startIpAddress").GetString(), rule.GetProperty("endIpAddress").GetString()));

        var connection = Output(sql, "connectionString");
        Assert.Contains("Authentication=Active Directory Managed Identity", connection, StringComparison.Ordinal);
        Assert.Contains("Encrypt=True;TrustServerCertificate=False", connection, StringComparison.Ordinal);
    }

    [Fact]
    public void Postgres_is_a_burstable_flexible_server_with_entra_authentication_only_tls_required_and_azure_only_access()
    {
        var main = JsonDocument.Parse(Build.Value.Stdout).RootElement.GetProperty("parameters");
        Assert.Equal(("Standard_B1ms", "Burstable"), (main.GetProperty("postgresSkuName").GetProperty("defaultValue").GetString(),
            main.GetProperty("postgresSkuTier").GetProperty("defaultValue").GetString()));
        var (postgres, _) = Module("funcledger-database-postgres");
        var server = In(postgres, "Microsoft.DBforPostgreSQL/flexibleServers");
        var auth = Props(server).GetProperty("authConfig");
        Assert.Equal(("Enabled", "Disabled"), (auth.GetProperty("activeDirectoryAuth").GetString(), auth.GetProperty("passwordAuth").GetString()));
        Assert.Equal("15", Props(server).GetProperty("version").GetString());
        Assert.Equal("[parameters('skuTier')]", server.GetProperty("sku").GetProperty("tier").GetString());

        // Server parameters: TLS required; full-page images in the WAL compressed, and 8 GB of WAL between checkpoints.
        var parameters = All(postgres, "Microsoft.DBforPostgreSQL/flexibleServers/configurations")
            .ToDictionary(c => Regex.Match(c.GetProperty("name").GetString()!, "'([a-z_]+)'\\)\\]$").Groups[1].Value,
                c => Props(c).GetProperty("value").GetString());
        Assert.Equal(new Dictionary<string, string?> { ["require_secure_transport"] = "on", ["wal_compression"] = "on", ["max_wal_size"] = "8192" },
            parameters);
        var admin = Props(In(postgres, "Microsoft.DBforPostgreSQL/flexibleServers/administrators"));
        Assert.Equal("[parameters('adminPrincipalType')]", admin.GetProperty("principalType").GetString());
        var rule = Props(In(postgres, "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"));
        Assert.Equal(("0.0.0.0", "0.0.0.0"), (rule.GetProperty("startIpAddress").GetString(), rule.GetProperty("endIpAddress").GetString()));
        In(postgres, "Microsoft.DBforPostgreSQL/flexibleServers/databases");

        // The app signs in as its identity's role with a token (no password anywhere), over verified TLS.
        var connection = Output(postgres, "connectionString");
        Assert.Contains("SSL Mode=VerifyFull", connection, StringComparison.Ordinal);
        Assert.Contains("Username={2}", connection, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", connection, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("entra", AppSettings()["Ledger__Postgres__Authentication"]);
        Assert.Contains("userAssignedIdentities", AppSettings()["Ledger__Postgres__ManagedIdentityClientId"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_postprovision_hook_migrates_either_engine_with_only_what_the_deployment_outputs()
    {
        var outputs = JsonDocument.Parse(Build.Value.Stdout).RootElement.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToHashSet();
        var hook = File.ReadAllText(Path.Combine(Root, "infra", "hooks", "postprovision.sh"))
            + File.ReadAllText(Path.Combine(Root, "infra", "hooks", "migrate.sh"));
        var required = System.Text.RegularExpressions.Regex.Matches(hook, @"\$\{([A-Z_]+):\?").Select(m => m.Groups[1].Value).ToHashSet();

        Assert.Contains("DATABASE_ENGINE", required);
        Assert.Contains("DATABASE_ADMIN_LOGIN", required);
        Assert.All(required.Where(v => v != "AZURE_RESOURCE_GROUP"), v => Assert.Contains(v, outputs));
        Assert.Contains("\nsqlserver)", hook, StringComparison.Ordinal);
        Assert.Contains("\npostgres)", hook, StringComparison.Ordinal);
        Assert.Contains("funcledger-sqlserver.sql", hook, StringComparison.Ordinal);
        Assert.Contains("pgaadauth_create_principal", hook, StringComparison.Ordinal);
        Assert.Contains("Ledger__Postgres__Authentication=entra", hook, StringComparison.Ordinal);
    }

    [Fact]
    public void Monitoring_has_local_auth_off_and_the_app_reads_every_setting_it_needs_with_no_secret()
    {
        Assert.True(Props(One("Microsoft.Insights/components")).GetProperty("DisableLocalAuth").GetBoolean());
        var settings = AppSettings();
        foreach (var name in new[] { "APPLICATIONINSIGHTS_CONNECTION_STRING", "Ledger__Provider", "ConnectionStrings__Ledger",
            "Ledger__Postgres__Authentication", "ReconcileSchedule", "HoldExpirySchedule", "Reconcile__FixDrift", "HistoryLinks__Secret" })
        {
            Assert.Contains(name, settings.Keys);
        }

        foreach (var (name, value) in settings)
        {
            Assert.DoesNotContain("AccountKey=", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Password", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("listKeys", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("SharedAccessSignature", value, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static Dictionary<string, string> AppSettings() =>
        Props(One("Microsoft.Web/sites")).GetProperty("siteConfig").GetProperty("appSettings").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("value").GetString()!);

    /// <summary>The nested template that declares <paramref name="resourceType"/>, and its variables.</summary>
    private static JsonElement TemplateOf(string resourceType) => Assert.Single(Templates(), t =>
    {
        var resources = t.GetProperty("resources");
        return (resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray())
            .Any(r => r.GetProperty("type").GetString() == resourceType);
    });

    /// <summary>Every instrument the app's FuncLedger meter publishes, by name.</summary>
    private static HashSet<string> Instruments()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == FuncLedger.Core.Diagnostics.LedgerTelemetry.Name)
                {
                    names.Add(instrument.Name);
                }
            },
        };
        System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(FuncLedger.Core.Diagnostics.LedgerTelemetry).TypeHandle);
        listener.Start();
        return names;
    }

    [Fact]
    public void Alerts_cover_drift_poison_rejections_5xx_rate_and_p99_and_notify_the_action_group_from_the_email_parameter()
    {
        var monitoring = TemplateOf("Microsoft.Insights/scheduledQueryRules");
        var rules = monitoring.GetProperty("variables").GetProperty("rules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(["drift-found", "http-5xx-rate", "http-p99-latency", "payout-poison", "payout-rejections"], rules.Keys.Order());
        var instruments = Instruments();
        Assert.Contains("funcledger.reconcile.drift_found", instruments);

        string Query(string rule) => rules[rule].GetProperty("query").GetString()!;
        double Threshold(string rule) => rules[rule].GetProperty("threshold").GetDouble();
        string Window(string rule) => rules[rule].GetProperty("window").GetString()!;
        Assert.Contains("\"funcledger.reconcile.drift_found\"", Query("drift-found"), StringComparison.Ordinal);
        Assert.Contains($"== \"{ReconciliationTriggers.Timer}\"", Query("drift-found"), StringComparison.Ordinal);
        Assert.Equal(0, Threshold("drift-found"));
        Assert.Contains("\"payout-awards-poison\"", Query("payout-poison"), StringComparison.Ordinal);
        Assert.Contains("\"funcledger.payouts.awards\"", Query("payout-rejections"), StringComparison.Ordinal);
        Assert.Contains("== \"rejected\"", Query("payout-rejections"), StringComparison.Ordinal);
        Assert.Equal("PT1H", Window("payout-rejections"));
        Assert.Contains("toint(ResultCode) >= 500", Query("http-5xx-rate"), StringComparison.Ordinal);
        Assert.Equal(1, Threshold("http-5xx-rate"));
        Assert.Equal("PT5M", Window("http-5xx-rate"));
        Assert.Contains("percentile(DurationMs, 99)", Query("http-p99-latency"), StringComparison.Ordinal);
        Assert.Equal(1000, Threshold("http-p99-latency"));
        Assert.Equal("PT5M", Window("http-p99-latency"));
        // Every metric a rule or a tile names is one the app publishes (a renamed instrument fails here, not in production).
        var tiles = monitoring.GetProperty("variables").GetProperty("tiles").EnumerateArray().Select(t => t.GetProperty("query").GetString()!);
        var named = rules.Values.Select(r => r.GetProperty("query").GetString()!).Concat(tiles)
            .SelectMany(q => System.Text.RegularExpressions.Regex.Matches(q, "\"(funcledger\\.[a-z_.]+)\"").Select(m => m.Groups[1].Value))
            .ToHashSet();
        Assert.Subset(instruments, named);
        foreach (var metric in new[] { "funcledger.operations", "funcledger.operation.duration", "funcledger.replays", "funcledger.payouts.lag",
            "funcledger.reconcile.drift_found" })
        {
            Assert.Contains(metric, named);
        }

        var alert = Assert.Single(Resources(), r => r.GetProperty("type").GetString() == "Microsoft.Insights/scheduledQueryRules");
        Assert.Equal("[length(variables('rules'))]", alert.GetProperty("copy").GetProperty("count").GetString());
        Assert.Equal("[parameters('workspaceId')]", Props(alert).GetProperty("scopes")[0].GetString());
        Assert.Contains("Microsoft.Insights/actionGroups", Props(alert).GetProperty("actions").GetProperty("actionGroups")[0].GetString(),
            StringComparison.Ordinal);
        var group = Props(One("Microsoft.Insights/actionGroups"));
        Assert.Contains("parameters('alertEmail')", group.GetProperty("emailReceivers").GetString(), StringComparison.Ordinal);
        var main = JsonDocument.Parse(Build.Value.Stdout).RootElement;
        Assert.Equal("", main.GetProperty("parameters").GetProperty("alertEmail").GetProperty("defaultValue").GetString());
        var workbook = Props(One("Microsoft.Insights/workbooks"));
        Assert.Equal("[parameters('insightsId')]", workbook.GetProperty("sourceId").GetString());
        Assert.Contains("variables('workbookItems')", workbook.GetProperty("serializedData").GetString(), StringComparison.Ordinal);
    }
}
