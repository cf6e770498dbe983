using System.Text.Json;
using System.Text.Json.Serialization;
using FuncLedger.Hosting;

namespace FuncLedger.Cli;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReconcileResponse))]
[JsonSerializable(typeof(CliStatus))]
[JsonSerializable(typeof(CliMigration))]
[JsonSerializable(typeof(CliRejection[]))]
[JsonSerializable(typeof(CliRun[]))]
[JsonSerializable(typeof(CliLink))]
[JsonSerializable(typeof(CliRevocation))]
[JsonSerializable(typeof(PoisonListing))]
[JsonSerializable(typeof(RequeueResult))]
[JsonSerializable(typeof(FuncLedger.Core.Operations.WalletAdminResult))]
[JsonSerializable(typeof(FuncLedger.Core.Operations.WalletChangeRecord[]))]
[JsonSerializable(typeof(FuncLedger.Core.Domain.AdjustmentResult))]
[JsonSerializable(typeof(FuncLedger.Core.Commerce.ShopItem[]))]
[JsonSerializable(typeof(FuncLedger.Core.Commerce.ShopRevenue))]
[JsonSerializable(typeof(FuncLedger.Core.Commerce.PromoCampaign))]
[JsonSerializable(typeof(FuncLedger.Core.Commerce.PromoBudget))]
internal sealed partial class CliJson : JsonSerializerContext;

/// <summary><c>funcledger status --json</c>. Counts are null on a database that is not migrated.</summary>
internal sealed record CliStatus(string Provider, IReadOnlyList<string> PendingMigrations, long? Wallets, long? Entries);

/// <summary><c>funcledger migrate --json</c>: the migrations this run applied (none when up to date).</summary>
internal sealed record CliMigration(string Provider, IReadOnlyList<string> Applied);
