using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class WalletChangeConfiguration : IEntityTypeConfiguration<WalletChange>
{
    public void Configure(EntityTypeBuilder<WalletChange> builder)
    {
        builder.ToTable("wallet_changes");
        builder.HasKey(c => c.Id).HasName("pk_wallet_changes");
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(c => c.WalletId).HasColumnName("wallet_id");
        builder.Property(c => c.Change).HasColumnName("change").HasMaxLength(16).IsUnicode(false).IsRequired();
        builder.Property(c => c.Actor).HasColumnName("actor").HasMaxLength(WalletChanges.ActorLengthMax).IsRequired();
        builder.Property(c => c.Reason).HasColumnName("reason").HasMaxLength(LedgerLimits.ReasonLengthMax);
        builder.Property(c => c.EntryId).HasColumnName("entry_id");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasOne<Wallet>().WithMany().HasForeignKey(c => c.WalletId)
            .HasConstraintName("fk_wallet_changes_wallets_wallet_id").OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.WalletId, c.Id }).HasDatabaseName("ix_wallet_changes_wallet_id_id");
    }
}
