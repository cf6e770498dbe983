using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class PostingRecordConfiguration(LedgerProvider provider) : IEntityTypeConfiguration<PostingRecord>
{
    public void Configure(EntityTypeBuilder<PostingRecord> builder)
    {
        builder.ToTable("postings", t => t.HasCheckConstraint("ck_postings_legs", $"legs >= 2 AND legs <= {LedgerLimits.PostingLegsMax}"));
        builder.HasKey(p => p.Id).HasName("pk_postings");
        builder.Property(p => p.Id).HasColumnName("id").ValueGeneratedOnAdd();
        var stem = builder.Property(p => p.KeyStem).HasColumnName("key_stem")
            .HasMaxLength(LedgerLimits.IdempotencyKeyColumnLengthMax).IsUnicode(false).IsRequired();
        LedgerEntryConfiguration.Ordinal(provider, stem!);
        builder.Property(p => p.Legs).HasColumnName("legs");
        builder.Property(p => p.CreatedAt).HasColumnName("created_at").HasConversion(UtcConverter.Instance);
        builder.HasIndex(p => p.KeyStem).IsUnique().HasDatabaseName(Commands.Sql.PostingStemIndex);
    }
}
