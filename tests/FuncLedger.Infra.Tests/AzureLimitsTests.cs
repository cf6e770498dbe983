using System.Globalization;
using System.Text.Json;
using FuncLedger.Standalone;
using NCrontab;
using Xunit.Abstractions;

namespace FuncLedger.Infra.Tests;

/// <summary>
/// What Azure's limits ask of the infra, checked on the compiled template: the capacity rule (instances x pool within the
/// database tier's connections, or the deployment fails), a database that can pause, secrets that live in Key Vault and
/// survive a provision, private networking as an option, and every setting the functions read present as an app setting.
/// </summary>
public sealed partial class BicepTests
{
    private static JsonElement MainTemplate => JsonDocument.Parse(Build.Value.Stdout).RootElement;

    /// <summary>The resources module's template (every resource but the subscription-level group).</summary>
    private static JsonElement ResourcesTemplate => Props(Assert.Single(Resources(),
        r => r.GetProperty("name").GetString() == "funcledger-resources")).GetProperty("template");

    private static object? MainDefault(string name) =>
        MainTemplate.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue") switch
        {
            { ValueKind: JsonValueKind.Number } n => n.GetInt64(),
            var v => v.GetString(),
        };

    private static string[] Allowed(string parameter) =>
        [.. MainTemplate.GetProperty("parameters").GetProperty(parameter).GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()!)];

    /// <summary>The resources module's expressions for a deployment with main's defaults changed by <paramref name="changes"/>.
    /// </summary>
    private static ArmExpressions Deployment(params (string Name, object? Value)[] changes)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["databaseEngine"] = MainDefault("databaseEngine"),
            ["sqlSkuName"] = MainDefault("sqlSkuName"),
            ["postgresSkuName"] = MainDefault("postgresSkuName"),
            ["maximumInstanceCount"] = MainDefault("maximumInstanceCount"),
            ["databasePoolSize"] = MainDefault("databasePoolSize"),
            ["holdExpirySchedule"] = MainDefault("holdExpirySchedule"),
            ["privateNetworking"] = MainDefault("networkMode") as string == "private",
        };
        foreach (var (name, value) in changes)
        {
            parameters[name] = value;
        }

        return new ArmExpressions(ResourcesTemplate, parameters);
    }

    private static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    public static TheoryData<string, string> Skus()
    {
        var data = new TheoryData<string, string>();
        foreach (var sku in Allowed("sqlSkuName"))
        {
            data.Add("sqlserver", sku);
        }

        foreach (var sku in Allowed("postgresSkuName"))
        {
            data.Add("postgres", sku);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Skus))]
    public void Every_sku_the_infra_offers_fits_its_instances_times_the_pool_within_the_tiers_connections_less_a_reserve(
        string engine, string sku)
    {
        var deployment = Deployment(("databaseEngine", engine), (engine == "sqlserver" ? "sqlSkuName" : "postgresSkuName", sku));

        var limit = Long(deployment.Variable("connectionLimit"));
        var reserve = Long(deployment.Variable("connectionsReserved"));
        var pool = Long(deployment.Variable("checkedPoolSize"));
        var instances = Long(MainDefault("maximumInstanceCount"));

        Assert.InRange(pool, 1, 8);
        Assert.True(instances * pool <= limit - reserve, $"{sku}: {instances} x {pool} > {limit} - {reserve}");
        Assert.True(reserve >= 5, "a reserve for migrations, the CLI and an operator");
        Log?.WriteLine($"| {engine} {sku} | {limit} | {instances} | {pool} |");
    }

    private ITestOutputHelper? Log { get; }

    public BicepTests(ITestOutputHelper output) => Log = output;

    [Theory]
    [InlineData("postgres", "Standard_B1ms", 40, 8)]
    [InlineData("postgres", "Standard_B1ms", 10, 4)]
    [InlineData("sqlserver", "GP_S_Gen5_1", 40, 2)]
    [InlineData("sqlserver", "GP_S_Gen5_2", 1000, 0)]
    public void A_combination_that_does_not_fit_the_tier_fails_the_deployment_before_anything_is_created(
        string engine, string sku, long instances, long pool)
    {
        var deployment = Deployment(("databaseEngine", engine), (engine == "sqlserver" ? "sqlSkuName" : "postgresSkuName", sku),
            ("maximumInstanceCount", instances), ("databasePoolSize", pool));

        var refused = Assert.Throws<DeploymentFailedException>(() => deployment.Variable("checkedPoolSize"));
        Assert.Contains("exceeds the database tier's connections", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_combination_that_fits_is_deployed_as_asked_and_the_app_reads_the_pool_size_from_its_settings()
    {
        var deployment = Deployment(("databaseEngine", "postgres"), ("postgresSkuName", "Standard_B2s"), ("maximumInstanceCount", 40L),
            ("databasePoolSize", 10L));

        Assert.Equal(10, Long(deployment.Variable("checkedPoolSize")));
        Assert.Equal("[string(variables('checkedPoolSize'))]", AppSettings()["Ledger__PoolSizeMax"]);
        var scale = Props(One("Microsoft.Web/sites")).GetProperty("functionAppConfig").GetProperty("scaleAndConcurrency");
        Assert.Equal("[parameters('maximumInstanceCount')]", scale.GetProperty("maximumInstanceCount").GetString());
    }

    [Fact]
    public void Azure_SQL_serverless_can_pause_between_hold_cleanups_and_postgres_cleans_up_every_minute()
    {
        var (sql, _) = Module("funcledger-database-sqlserver");
        var database = Props(In(sql, "Microsoft.Sql/servers/databases"));
        Assert.Equal("[parameters('autoPauseDelayMinutes')]", database.GetProperty("autoPauseDelay").GetString());
        var pauseAfter = Long(MainDefault("sqlAutoPauseDelayMinutes"));

        var serverless = (string)Deployment(("databaseEngine", "sqlserver")).Variable("holdExpiry")!;
        var flexible = (string)Deployment(("databaseEngine", "postgres")).Variable("holdExpiry")!;
        var chosen = (string)Deployment(("holdExpirySchedule", "0 30 2 * * *")).Variable("holdExpiry")!;

        var runs = CrontabSchedule.Parse(serverless, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            .GetNextOccurrences(new DateTime(2026, 12, 1), new DateTime(2026, 12, 3)).ToList();
        var gap = runs.Zip(runs.Skip(1), (a, b) => b - a).Min();
        // Each cleanup wakes the database; it pauses after pauseAfter minutes without a session, so it must get that long
        // (and a few minutes more for the pool's idle connections to close) between two runs.
        Assert.True(gap > TimeSpan.FromMinutes(pauseAfter + 15), $"a cleanup every {gap} keeps a database that pauses after {pauseAfter} min online");
        Assert.Equal("0 * * * * *", flexible);
        Assert.Equal("0 30 2 * * *", chosen);
        Assert.Null(HostRules.ScheduleProblem(serverless));
        Assert.Equal("[variables('holdExpiry')]", AppSettings()["HoldExpirySchedule"]);
    }

    [Fact]
    public void The_history_link_secret_lives_in_key_vault_created_once_by_the_hook_and_is_never_a_parameter_or_an_output()
    {
        Assert.DoesNotContain(MainTemplate.GetProperty("parameters").EnumerateObject(), p => p.Name.Contains("secret", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(MainTemplate.GetProperty("outputs").EnumerateObject(), o => o.Name.Contains("secret", StringComparison.OrdinalIgnoreCase));
        var vault = Props(One("Microsoft.KeyVault/vaults"));
        Assert.True(vault.GetProperty("enableRbacAuthorization").GetBoolean());
        Assert.True(vault.GetProperty("enablePurgeProtection").GetBoolean());
        Assert.True(vault.GetProperty("enableSoftDelete").GetBoolean());
        // Bicep writes no secret: a value a deployment writes would be replaced by every provision.
        Assert.DoesNotContain(Resources(), r => r.GetProperty("type").GetString() == "Microsoft.KeyVault/vaults/secrets");

        var settings = AppSettings();
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1})', reference(resourceId('Microsoft.Resources/deployments', "
            + "'funcledger-keyvault')", settings["HistoryLinks__Secret"], StringComparison.Ordinal);
        Assert.StartsWith("[format('@Microsoft.KeyVault(VaultName={0};SecretName={1}-previous)', ", settings["HistoryLinks__PreviousSecret"],
            StringComparison.Ordinal);
        Assert.Equal("history-link-secret", ResourcesTemplate.GetProperty("variables").GetProperty("historyLinkSecretName").GetString());
        Assert.Contains("userAssignedIdentities", Props(One("Microsoft.Web/sites")).GetProperty("keyVaultReferenceIdentity").GetString(),
            StringComparison.Ordinal);
        var keyVault = TemplateOf("Microsoft.KeyVault/vaults");
        Assert.Equal("4633458b-17de-408a-b874-0445c86b69e6", keyVault.GetProperty("variables").GetProperty("roles").GetProperty("secretsUser").GetString());

        var hook = File.ReadAllText(Path.Combine(Root, "infra", "hooks", "postprovision.sh"));
        Assert.True(hook.IndexOf("az keyvault secret show", StringComparison.Ordinal) < hook.IndexOf("az keyvault secret set", StringComparison.Ordinal),
            "the hook creates the secret only when it is missing");
        Assert.True(File.Exists(Path.Combine(Root, "infra", "hooks", "rotate-history-link-secret.sh")));
    }

    [Fact]
    public void The_app_identity_gets_the_least_privilege_role_and_every_deploy_migrates_first()
    {
        var hook = File.ReadAllText(Path.Combine(Root, "infra", "hooks", "postprovision.sh"));
        Assert.Contains("ALTER ROLE funcledger_app ADD MEMBER", hook, StringComparison.Ordinal);
        Assert.Contains("GRANT funcledger_app TO", hook, StringComparison.Ordinal);
        Assert.DoesNotContain("db_datawriter ADD MEMBER", hook, StringComparison.Ordinal);
        Assert.DoesNotContain("GRANT SELECT, INSERT, UPDATE, DELETE", hook, StringComparison.Ordinal);
        var azure = File.ReadAllText(Path.Combine(Root, "azure.yaml"));
        Assert.Contains("predeploy:", azure, StringComparison.Ordinal);
        Assert.Contains("run: ./infra/hooks/migrate.sh", azure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "Disabled")]
    [InlineData(false, "Enabled")]
    public void Private_networking_puts_storage_key_vault_and_the_database_behind_private_endpoints_with_public_access_off(
        bool isPrivate, string publicAccess)
    {
        var deployment = Deployment(("privateNetworking", isPrivate));
        Assert.Equal(publicAccess, deployment.Evaluate(Props(One("Microsoft.Storage/storageAccounts")).GetProperty("publicNetworkAccess")));
        Assert.Equal(isPrivate ? "Deny" : "Allow",
            deployment.Evaluate(Props(One("Microsoft.Storage/storageAccounts")).GetProperty("networkAcls").GetProperty("defaultAction")));

        var inModules = new[] { ("funcledger-keyvault", "Microsoft.KeyVault/vaults"), ("funcledger-database-sqlserver", "Microsoft.Sql/servers") };
        foreach (var (module, type) in inModules)
        {
            var (template, _) = Module(module);
            var access = Props(In(template, type)).GetProperty("publicNetworkAccess");
            Assert.Equal(publicAccess, new ArmExpressions(template, new Dictionary<string, object?> { ["privateNetworking"] = isPrivate }).Evaluate(access));
        }

        var (postgres, _) = Module("funcledger-database-postgres");
        Assert.Equal(publicAccess, new ArmExpressions(postgres, new Dictionary<string, object?> { ["privateNetworking"] = isPrivate })
            .Evaluate(Props(In(postgres, "Microsoft.DBforPostgreSQL/flexibleServers")).GetProperty("network").GetProperty("publicNetworkAccess")));
        // No "Azure services" firewall rule in private mode: the servers have no public endpoint at all.
        foreach (var (module, type) in new[]
        {
            ("funcledger-database-sqlserver", "Microsoft.Sql/servers/firewallRules"),
            ("funcledger-database-postgres", "Microsoft.DBforPostgreSQL/flexibleServers/firewallRules"),
        })
        {
            var (template, _) = Module(module);
            var rule = In(template, type);
            Assert.Equal(!isPrivate, new ArmExpressions(template, new Dictionary<string, object?> { ["privateNetworking"] = isPrivate })
                .Evaluate(rule.GetProperty("condition")));
        }

        var (network, condition) = Module("funcledger-network");
        Assert.Equal("[parameters('privateNetworking')]", condition);
        var endpoints = In(network, "Microsoft.Network/privateEndpoints");
        Assert.Equal("[length(parameters('targets'))]", endpoints.GetProperty("copy").GetProperty("count").GetString());
        var targets = Props(Assert.Single(Resources(), r => r.GetProperty("name").GetString() == "funcledger-network"))
            .GetProperty("parameters").GetProperty("targets").GetProperty("value").EnumerateArray()
            .Select(t => t.GetProperty("groupId")).ToList();
        Assert.Equal(["blob", "queue", "table", "vault"], targets.Take(4).Select(t => t.GetString()));
        Assert.Equal("sqlServer", Deployment(("databaseEngine", "sqlserver")).Evaluate(targets[4]));
        Assert.Equal("postgresqlServer", Deployment(("databaseEngine", "postgres")).Evaluate(targets[4]));
        Assert.Contains("funcledger-network", Props(One("Microsoft.Web/sites")).GetProperty("virtualNetworkSubnetId").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public")]
    [InlineData("private")]
    public void A_parameters_file_for_either_network_mode_builds_with_no_warning(string mode)
    {
        var file = Path.Combine(Path.GetTempPath(), $"funcledger-{mode}-{Guid.NewGuid():N}.bicepparam");
        File.WriteAllText(file, $"""
            using '{Path.GetRelativePath(Path.GetTempPath(), Main).Replace('\\', '/')}'
            param environmentName = 'fl-{mode}'
            param location = 'westeurope'
            param principalId = '00000000-0000-0000-0000-000000000001'
            param networkMode = '{mode}'
            param databaseEngine = 'postgres'
            """);
        try
        {
            var build = Bicep("build-params", file, "--stdout");

            Assert.Equal(0, build.ExitCode);
            Assert.Equal("", build.Stderr.Trim());
            var parameters = JsonDocument.Parse(JsonDocument.Parse(build.Stdout).RootElement.GetProperty("parametersJson").GetString()!);
            Assert.Equal(mode, parameters.RootElement.GetProperty("parameters").GetProperty("networkMode").GetProperty("value").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_setting_and_connection_the_functions_read_is_an_app_setting_of_the_deployed_app()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var metadata = Path.Combine(Root, "src", "FuncLedger.Functions", "bin", configuration, "net10.0", FunctionsMetadata.FileName);
        var read = HostRules.SettingsRead(FunctionsMetadata.Load(metadata)).Distinct().ToList();
        var settings = AppSettings().ToDictionary(s => s.Key, s => (string?)s.Value, StringComparer.OrdinalIgnoreCase);

        Assert.Contains(("AzureWebJobsStorage", true), read);
        Assert.Contains(("ReconcileSchedule", false), read);
        Assert.All(read, s => Assert.True(HostRules.IsDefined(settings, s.Name, s.IsConnection), $"{s.Name} is not an app setting"));
    }
}
