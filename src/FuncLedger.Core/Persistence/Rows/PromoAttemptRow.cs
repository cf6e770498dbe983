namespace FuncLedger.Core.Persistence;

/// <summary>A failed redeem or check by an owner (the code's refusal), counted per rolling window against guessing; in the
/// database so every instance sees every attempt.</summary>
internal sealed class PromoAttemptRow
{
    public long Id { get; set; }

    public long OwnerId { get; set; }

    /// <summary>The refusal's code (promo_invalid, promo_expired, ...); never the code typed.</summary>
    public string Refusal { get; set; } = "";

    public DateTime CreatedAt { get; set; }
}
