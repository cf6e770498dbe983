using System.Globalization;

namespace FuncLedger.Core.Domain;

/// <summary>The deterministic keys the ledger derives; their shapes are part of the contract.</summary>
public static class IdempotencyKeys
{
    public const string DebitSuffix = "_debit";
    public const string CreditSuffix = "_credit";
    public const string ParticipationPrefix = "participation_award_reg_";
    public const string PlacementPrefix = "placement_award_reg_";
    public const string LegInfix = "_leg_";
    public const string HoldPrefix = "hold_";
    public const string CaptureSuffix = "_capture";

    /// <summary>The stem of the keys the ledger gives the entries of an unkeyed transaction of more than one entry (a transfer, a
    /// posting, a reversal of several sides), so its sides stay linked for a reversal. It holds a space, which a client's key
    /// never does, so no client key can take or block one; the history shows these entries without a key.</summary>
    public const string InternalPrefix = "txn ";

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
            || IsLeg(key) || IsCapture(key);
    }

    /// <summary>The reserved forms in words, from the same constants <see cref="IsReserved"/> checks (the validation message).
    /// </summary>
    public static readonly string ReservedForms =
        $"end in {DebitSuffix} or {CreditSuffix} (a transfer's sides) or {LegInfix}{{digits}} (a posting's legs), "
        + $"be {HoldPrefix}{{digits}}{CaptureSuffix} (a capture), or start with {ParticipationPrefix} or {PlacementPrefix} (payouts)";

    /// <summary>A new stem for an unkeyed transaction's entries: <c>txn {32 hex digits}</c>, a UUIDv7 (time-ordered, so that
    /// each unkeyed write adds to the right edge of the entries' key index instead of a random page of it).</summary>
    public static string NewInternal() => InternalPrefix + Guid.CreateVersion7().ToString("N", CultureInfo.InvariantCulture);

    /// <summary>True for a key the ledger gave an unkeyed transaction's entry (<see cref="NewInternal"/>).</summary>
    public static bool IsInternal(string? key) => key is not null && key.StartsWith(InternalPrefix, StringComparison.Ordinal);

    /// <summary>The debit entry of hold <paramref name="holdId"/>'s capture: <c>hold_{id}_capture</c>.</summary>
    public static string HoldCapture(long holdId) => string.Create(CultureInfo.InvariantCulture, $"{HoldPrefix}{holdId}{CaptureSuffix}");

    /// <summary>The credit entry of a capture to another owner: <c>hold_{id}_capture_credit</c>.</summary>
    public static string HoldCaptureCredit(long holdId) => HoldCapture(holdId) + CreditSuffix;

    /// <summary>True for <c>hold_{digits}_capture</c> (the credit side ends with <c>_credit</c>, reserved already).</summary>
    private static bool IsCapture(string key)
    {
        if (!key.StartsWith(HoldPrefix, StringComparison.Ordinal) || !key.EndsWith(CaptureSuffix, StringComparison.Ordinal))
        {
            return false;
        }

        var digits = key.AsSpan(HoldPrefix.Length, Math.Max(0, key.Length - HoldPrefix.Length - CaptureSuffix.Length));
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>The debit of line <paramref name="line"/> (1-based) of checkout <paramref name="checkoutId"/> when it is confirmed,
    /// and that line's purchase: <c>txn checkout_{id}_leg_{n}</c>. Deterministic, so a rerun of a confirm finds them; of the
    /// internal form (a space), so no client's key takes or blocks one.</summary>
    public static string CheckoutLine(long checkoutId, int line) =>
        PostingLeg(string.Create(CultureInfo.InvariantCulture, $"{InternalPrefix}checkout_{checkoutId}"), line);

    /// <summary>Leg <paramref name="number"/> (1-based, in the request's order) of a posting with client key
    /// <paramref name="key"/>: <c>{key}_leg_{n}</c>.</summary>
    public static string PostingLeg(string key, int number)
    {
        var leg = string.Create(CultureInfo.InvariantCulture, $"{key}{LegInfix}{number}");
        var most = LedgerLimits.IdempotencyKeyColumnLengthMax - (leg.Length - key.Length);
        return leg.Length <= LedgerLimits.IdempotencyKeyColumnLengthMax
            ? leg
            : throw new LedgerValidationException("idempotencyKey",
                string.Create(CultureInfo.InvariantCulture, $"With {number} legs the key may have at most {most} characters."));
    }

    /// <summary>True for <c>..._leg_{digits}</c>, the form of a posting's leg keys.</summary>
    private static bool IsLeg(string key)
    {
        var at = key.LastIndexOf(LegInfix, StringComparison.Ordinal);
        var digits = at < 0 ? "" : key[(at + LegInfix.Length)..];
        return digits.Length > 0 && digits.All(char.IsAsciiDigit);
    }

    /// <summary>
    /// The keys of every entry of the transaction an entry keyed <paramref name="key"/> belongs to, in the order they were
    /// written: a transfer's or a capture's two sides, every possible leg of a posting (or of a reversal), or the key alone.
    /// Empty for an entry without a key.
    /// </summary>
    public static string[] TransactionKeys(string? key)
    {
        if (key is null)
        {
            return [];
        }

        if (IsCapture(key))
        {
            return [key, key + CreditSuffix];
        }

        if (key.EndsWith(DebitSuffix, StringComparison.Ordinal) || key.EndsWith(CreditSuffix, StringComparison.Ordinal))
        {
            var side = key.EndsWith(DebitSuffix, StringComparison.Ordinal) ? DebitSuffix : CreditSuffix;
            var stem = key[..^side.Length];
            return IsCapture(stem) ? [stem, key] : [stem + DebitSuffix, stem + CreditSuffix];
        }

        if (IsLeg(key))
        {
            var prefix = key[..(key.LastIndexOf(LegInfix, StringComparison.Ordinal) + LegInfix.Length)];
            return [.. Enumerable.Range(1, LedgerLimits.PostingLegsMax).Select(n => prefix + n.ToString(CultureInfo.InvariantCulture))];
        }

        return [key];
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
