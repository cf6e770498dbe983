using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class LedgerSettingConfiguration : IEntityTypeConfiguration<LedgerSetting>
{
    public void Configure(EntityTypeBuilder<LedgerSetting> builder)
    {
        builder.ToTable("ledger_settings");
        builder.HasKey(s => s.Name).HasName("pk_ledger_settings");
        builder.Property(s => s.Name).HasColumnName("name").HasMaxLength(64).IsUnicode(false);
        builder.Property(s => s.Value).HasColumnName("value").HasMaxLength(128).IsUnicode(false).IsRequired();
    }
}
