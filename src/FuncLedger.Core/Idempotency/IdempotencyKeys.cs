using System.Globalization;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Idempotency;

/// <summary>The deterministic keys the ledger derives; their shapes are part of the contract.</summary>
public static class IdempotencyKeys
{
    public const string DebitSuffix = "_debit";
    public const string CreditSuffix = "_credit";
    public const string ParticipationPrefix = "participation_award_reg_";
    public const string PlacementPrefix = "placement_award_reg_";
    public const string LegInfix = "_leg_";

    /// <summary>
    /// True for a key of a form the ledger derives (a transfer's side, an award, a posting's leg): a client may not send it, so a client's
    /// key can never take or block a derived one (a credit keyed <c>gift-1_debit</c> would make transfer <c>gift-1</c> a
    /// conflict forever; one keyed like an award would make the real payout a conflict). Ordinal, like the unique index.
    /// </summary>
    public static bool IsReserved(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.EndsWith(DebitSuffix, StringComparison.Ordinal) || key.EndsWith(CreditSuffix, StringComparison.Ordinal)
            || key.StartsWith(ParticipationPrefix, StringComparison.Ordinal) || key.StartsWith(PlacementPrefix, StringComparison.Ordinal)
            || IsLeg(key);
    }

    /// <summary>Leg <paramref name="number"/> (1-based, in the request's order) of a posting with client key
    /// <paramref name="key"/>: <c>{key}_leg_{n}</c>.</summary>
    public static string PostingLeg(string key, int number) => string.Create(CultureInfo.InvariantCulture, $"{key}{LegInfix}{number}");

    /// <summary>True for <c>..._leg_{digits}</c>, the form of a posting's leg keys.</summary>
    private static bool IsLeg(string key)
    {
        var at = key.LastIndexOf(LegInfix, StringComparison.Ordinal);
        var digits = at < 0 ? "" : key[(at + LegInfix.Length)..];
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>The debit entry of a transfer with client key <paramref name="key"/>.</summary>
    public static string TransferDebit(string key) => key + DebitSuffix;

    /// <summary>The credit entry of a transfer with client key <paramref name="key"/>.</summary>
    public static string TransferCredit(string key) => key + CreditSuffix;

    /// <summary><c>participation_award_reg_{registrationId}</c>.</summary>
    public static string Participation(long registrationId) =>
        string.Create(CultureInfo.InvariantCulture, $"{ParticipationPrefix}{Registration(registrationId)}");

    /// <summary><c>placement_award_reg_{registrationId}_place_{n}</c>.</summary>
    public static string Placement(long registrationId, int place) =>
        string.Create(CultureInfo.InvariantCulture, $"{PlacementPrefix}{Registration(registrationId)}_place_{Place(place)}");

    private static long Registration(long registrationId) => registrationId > 0
        ? registrationId
        : throw new LedgerValidationException("registrationId", "The registration id must be a positive integer.");

    private static int Place(int place) => place is > 0 and <= LedgerLimits.PlaceMax
        ? place
        : throw new LedgerValidationException("place", $"The place must be 1 to {LedgerLimits.PlaceMax}.");
}
