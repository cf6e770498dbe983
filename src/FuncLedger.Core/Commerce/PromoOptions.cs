using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>Promo codes' settings: failed attempts per owner within the rolling window (<see cref="PromoLimits.AttemptWindowMinutes"/>)
/// before 429.</summary>
public sealed class PromoOptions
{
    public int FailedAttemptsMax { get; set; } = PromoLimits.FailedAttemptsMaxDefault;

    /// <summary>Refuses a setting out of range at start, naming it.</summary>
    public void Validate()
    {
        if (FailedAttemptsMax is < 1 or > 1_000)
        {
            throw new InvalidOperationException($"Ledger:Promo:FailedAttemptsMax is 1 to 1000 (was {FailedAttemptsMax}).");
        }
    }
}
