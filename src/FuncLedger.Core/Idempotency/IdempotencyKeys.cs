using System.Globalization;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Idempotency;

/// <summary>The deterministic keys the ledger derives; their shapes are part of the contract.</summary>
public static class IdempotencyKeys
{
    public const string DebitSuffix = "_debit";
    public const string CreditSuffix = "_credit";

    /// <summary>The debit entry of a transfer with client key <paramref name="key"/>.</summary>
    public static string TransferDebit(string key) => key + DebitSuffix;

    /// <summary>The credit entry of a transfer with client key <paramref name="key"/>.</summary>
    public static string TransferCredit(string key) => key + CreditSuffix;

    /// <summary><c>participation_award_reg_{registrationId}</c>.</summary>
    public static string Participation(long registrationId) =>
        string.Create(CultureInfo.InvariantCulture, $"participation_award_reg_{Registration(registrationId)}");

    /// <summary><c>placement_award_reg_{registrationId}_place_{n}</c>.</summary>
    public static string Placement(long registrationId, int place) =>
        string.Create(CultureInfo.InvariantCulture, $"placement_award_reg_{Registration(registrationId)}_place_{Place(place)}");

    private static long Registration(long registrationId) => registrationId > 0
        ? registrationId
        : throw new LedgerValidationException("registrationId", "The registration id must be a positive integer.");

    private static int Place(int place) => place is > 0 and <= LedgerLimits.PlaceMax
        ? place
        : throw new LedgerValidationException("place", $"The place must be 1 to {LedgerLimits.PlaceMax}.");
}
