using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class WalletConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<Wallet>
{
    public void Configure(EntityTypeBuilder<Wallet> builder)
    {
        builder.ToTable("wallets", t =>
        {
            t.HasCheckConstraint("ck_wallets_owner_id_positive", "owner_id > 0");
            // The database asserts the no-overdraft rule too: the second half of the pair whose first
            // half is the check in the debit path.
            t.HasCheckConstraint("ck_wallets_balance_above_floor", provider == LedgerProvider.SqlServer
                ? "allow_overdraft = 1 OR cached_balance >= overdraft_floor"
                : "allow_overdraft OR cached_balance >= overdraft_floor");
            t.HasCheckConstraint("ck_wallets_overdraft_floor_non_positive", "overdraft_floor <= 0");
            t.HasCheckConstraint("ck_wallets_held_non_negative", "held >= 0");
        });
        builder.HasKey(w => w.Id).HasName("pk_wallets");
        builder.Property(w => w.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(w => w.OwnerId).HasColumnName("owner_id");
        builder.Property(w => w.CachedBalance).HasColumnName("cached_balance");
        builder.Property(w => w.AllowOverdraft).HasColumnName("allow_overdraft").HasDefaultValue(false);
        builder.Property(w => w.Frozen).HasColumnName("frozen").HasDefaultValue(false);
        builder.Property(w => w.Held).HasColumnName("held").HasDefaultValue(0L);
        builder.Property(w => w.OverdraftFloor).HasColumnName("overdraft_floor").HasDefaultValue(0L);
        builder.Property(w => w.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.Property(w => w.UpdatedAt).HasColumnName("updated_at").HasConversion(UtcConverter.Instance);
        builder.HasIndex(w => w.OwnerId).IsUnique().HasDatabaseName("ux_wallets_owner_id");
    }
}
