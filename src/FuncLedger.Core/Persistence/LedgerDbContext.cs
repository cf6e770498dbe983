using FuncLedger.Core.Persistence.Configurations;
using Microsoft.EntityFrameworkCore;

namespace FuncLedger.Core.Persistence;

/// <summary>The ledger's schema. Writes on the hot path go through the provider's commands (<see cref="LedgerStore"/>); this context
/// owns the model, the migrations and the read queries. Its rows (<c>Persistence/Rows</c>) are internal: the API speaks in records.
/// </summary>
public sealed class LedgerDbContext(DbContextOptions<LedgerDbContext> options) : DbContext(options)
{
    internal DbSet<Wallet> Wallets => Set<Wallet>();

    internal DbSet<LedgerEntry> LedgerEntries => Set<LedgerEntry>();

    internal DbSet<Hold> Holds => Set<Hold>();

    internal DbSet<EntryReversal> Reversals => Set<EntryReversal>();

    internal DbSet<WalletChange> WalletChanges => Set<WalletChange>();

    internal DbSet<ReconciliationRunRow> ReconciliationRuns => Set<ReconciliationRunRow>();

    internal DbSet<PayoutRejectionRow> PayoutRejections => Set<PayoutRejectionRow>();

    internal DbSet<HistoryLinkEpoch> HistoryLinkEpochs => Set<HistoryLinkEpoch>();

    internal DbSet<ClientKey> ClientKeys => Set<ClientKey>();

    internal DbSet<PostingRecord> Postings => Set<PostingRecord>();

    internal DbSet<ShopItemRow> ShopItems => Set<ShopItemRow>();

    internal DbSet<PurchaseRow> Purchases => Set<PurchaseRow>();

    internal DbSet<InventoryRow> Inventory => Set<InventoryRow>();

    internal DbSet<RefundRow> Refunds => Set<RefundRow>();

    internal DbSet<ConsumptionRow> Consumptions => Set<ConsumptionRow>();

    internal DbSet<CheckoutRow> Checkouts => Set<CheckoutRow>();

    internal DbSet<CheckoutLineRow> CheckoutLines => Set<CheckoutLineRow>();

    internal DbSet<PromoCampaignRow> PromoCampaigns => Set<PromoCampaignRow>();

    internal DbSet<PromoCodeRow> PromoCodes => Set<PromoCodeRow>();

    internal DbSet<PromoRedemptionRow> PromoRedemptions => Set<PromoRedemptionRow>();

    internal DbSet<PromoGrantRow> PromoGrants => Set<PromoGrantRow>();

    internal DbSet<PromoAttemptRow> PromoAttempts => Set<PromoAttemptRow>();

    /// <summary>The provider this context runs on.</summary>
    public LedgerProvider Provider => LedgerDatabase.ProviderOf(Database.ProviderName);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var provider = Provider;
        modelBuilder.ApplyConfiguration(new WalletConfiguration(provider));
        modelBuilder.ApplyConfiguration(new LedgerEntryConfiguration(provider));
        modelBuilder.ApplyConfiguration(new ReconciliationRunConfiguration());
        modelBuilder.ApplyConfiguration(new PayoutRejectionConfiguration());
        modelBuilder.ApplyConfiguration(new KeyedRefusalConfiguration(provider));
        modelBuilder.ApplyConfiguration(new LedgerSettingConfiguration());
        modelBuilder.ApplyConfiguration(new HoldConfiguration(provider));
        modelBuilder.ApplyConfiguration(new EntryReversalConfiguration());
        modelBuilder.ApplyConfiguration(new WalletChangeConfiguration());
        modelBuilder.ApplyConfiguration(new HistoryLinkEpochConfiguration());
        modelBuilder.ApplyConfiguration(new ClientKeyConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PostingRecordConfiguration(provider));
        modelBuilder.ApplyConfiguration(new ShopItemConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PurchaseConfiguration(provider));
        modelBuilder.ApplyConfiguration(new InventoryConfiguration(provider));
        modelBuilder.ApplyConfiguration(new RefundConfiguration(provider));
        modelBuilder.ApplyConfiguration(new ConsumptionConfiguration(provider));
        modelBuilder.ApplyConfiguration(new CheckoutConfiguration(provider));
        modelBuilder.ApplyConfiguration(new CheckoutLineConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PromoCampaignConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PromoCodeConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PromoRedemptionConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PromoGrantConfiguration(provider));
        modelBuilder.ApplyConfiguration(new PromoAttemptConfiguration());
    }
}
