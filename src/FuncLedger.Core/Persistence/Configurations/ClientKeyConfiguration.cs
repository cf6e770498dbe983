using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class ClientKeyConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<ClientKey>
{
    public void Configure(EntityTypeBuilder<ClientKey> builder)
    {
        builder.ToTable("client_keys");
        builder.HasKey(k => k.IdempotencyKey).HasName(Commands.Sql.ClientKeyIndex);
        var key = builder.Property(k => k.IdempotencyKey).HasColumnName("idempotency_key")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).ValueGeneratedNever();
        var fingerprint = builder.Property(k => k.RequestFingerprint).HasColumnName("request_fingerprint")
            .HasMaxLength(LedgerLimits.FingerprintLength).IsFixedLength().IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, key!, fingerprint!);
        builder.Property(k => k.Operation).HasColumnName("operation").HasConversion<short>();
        builder.Property(k => k.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
    }
}
