using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class HistoryLinkEpochConfiguration : IEntityTypeConfiguration<HistoryLinkEpoch>
{
    public void Configure(EntityTypeBuilder<HistoryLinkEpoch> builder)
    {
        builder.ToTable("history_link_epochs");
        builder.HasKey(e => e.OwnerId).HasName("pk_history_link_epochs");
        builder.Property(e => e.OwnerId).HasColumnName("owner_id").ValueGeneratedNever();
        builder.Property(e => e.Epoch).HasColumnName("epoch");
        builder.Property(e => e.RevokedAt).HasColumnName("revoked_at").HasConversion(UtcConverter.Instance);
        builder.Property(e => e.RevokedBy).HasColumnName("revoked_by")
            .HasMaxLength(WalletChanges.ActorLengthMax).IsUnicode(false).IsRequired();
    }
}
