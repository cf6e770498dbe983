using FuncLedger.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FuncLedger.Core.Persistence.Configurations;

internal sealed class PayoutRejectionConfiguration : IEntityTypeConfiguration<PayoutRejectionRow>
{
    public void Configure(EntityTypeBuilder<PayoutRejectionRow> builder)
    {
        builder.ToTable("payout_rejections");
        builder.HasKey(r => r.Id).HasName("pk_payout_rejections");
        builder.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
        builder.Property(r => r.MessageId).HasColumnName("message_id")
            .HasMaxLength(PayoutRejectionLimits.MessageIdLengthMax).IsUnicode(false).IsRequired();
        builder.Property(r => r.AwardType).HasColumnName("award_type")
            .HasMaxLength(PayoutRejectionLimits.AwardTypeLengthMax).IsUnicode(false);
        builder.Property(r => r.RegistrationId).HasColumnName("registration_id");
        builder.Property(r => r.Place).HasColumnName("place");
        builder.Property(r => r.ReasonCode).HasColumnName("reason_code")
            .HasMaxLength(PayoutRejectionLimits.ReasonCodeLengthMax).IsUnicode(false).IsRequired();
        builder.Property(r => r.Detail).HasColumnName("detail").HasMaxLength(PayoutRejectionLimits.DetailLengthMax).IsRequired();
        builder.Property(r => r.DequeueCount).HasColumnName("dequeue_count");
        builder.Property(r => r.RejectedAt).HasColumnName("rejected_at").HasConversion(UtcConverter.Instance);
        // A redelivered rejected message is recorded once.
        builder.HasIndex(r => r.MessageId).IsUnique().HasDatabaseName("ux_payout_rejections_message_id");
        builder.HasIndex(r => r.RejectedAt).HasDatabaseName("ix_payout_rejections_rejected_at");
    }
}
