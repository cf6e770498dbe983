using System.Globalization;

namespace FuncLedger.Core.Domain;

/// <summary>
/// One award of a tournament: a participation award when <see cref="Place"/> is null, a placement award otherwise. Its
/// deterministic key is computed once, here, when the award is made (an invalid registration id or place is a
/// <see cref="LedgerValidationException"/> then), and every later step uses <see cref="Key"/>.
/// </summary>
public sealed record Award
{
    public const string ParticipationReason = "participation_award";
    public const string PlacementReason = "placement_award";

    public Award(long registrationId, int? place, OwnerId owner, Coins amount)
    {
        Key = place is { } p ? IdempotencyKeys.Placement(registrationId, p) : IdempotencyKeys.Participation(registrationId);
        (RegistrationId, Place, Owner, Amount) = (registrationId, place, owner, amount);
    }

    public long RegistrationId { get; }

    /// <summary>1..<see cref="LedgerLimits.PlaceMax"/> for a placement award; null for participation.</summary>
    public int? Place { get; }

    public OwnerId Owner { get; }

    public Coins Amount { get; }

    /// <summary><c>participation_award_reg_{registrationId}</c> or <c>placement_award_reg_{registrationId}_place_{n}</c>.</summary>
    public string Key { get; }

    /// <summary>The entry's reason.</summary>
    public string Reason => Place is null ? ParticipationReason : PlacementReason;

    /// <summary>The entry's meta: the registration and, for a placement, the place.</summary>
    public string Meta => Place is { } place
        ? string.Create(CultureInfo.InvariantCulture, $"{{\"registrationId\":{RegistrationId},\"place\":{place}}}")
        : string.Create(CultureInfo.InvariantCulture, $"{{\"registrationId\":{RegistrationId}}}");
}
