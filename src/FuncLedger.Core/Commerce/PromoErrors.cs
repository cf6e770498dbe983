using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Commerce;

/// <summary>Stable machine codes of promo refusals; the HTTP adapter maps them to problem details.</summary>
public static class PromoErrorCodes
{
    public const string Invalid = "promo_invalid";
    public const string NotStarted = "promo_not_started";
    public const string Expired = "promo_expired";
    public const string Exhausted = "promo_exhausted";
    public const string AlreadyRedeemed = "promo_already_redeemed";
    public const string TooManyAttempts = "too_many_attempts";
    public const string CampaignNotFound = "campaign_not_found";
    public const string VanityCodeTaken = "vanity_code_taken";
    public const string RedemptionNotFound = "redemption_not_found";
    public const string RedemptionRevoked = "redemption_revoked";
}

/// <summary>No redeemable code: unknown, its campaign deactivated, or a single-use code already used. One answer for all three,
/// so the API tells a guesser nothing.</summary>
public sealed class PromoInvalidException()
    : LedgerException(PromoErrorCodes.Invalid, "This code is not valid.");

public sealed class PromoNotStartedException(DateTimeOffset startsAt)
    : LedgerException(PromoErrorCodes.NotStarted, $"This code can be redeemed from {startsAt:O}.")
{
    public DateTimeOffset StartsAt { get; } = startsAt;
}

public sealed class PromoExpiredException()
    : LedgerException(PromoErrorCodes.Expired, "This code has expired.");

/// <summary>The campaign's total cap is reached.</summary>
public sealed class PromoExhaustedException()
    : LedgerException(PromoErrorCodes.Exhausted, "This promotion has been fully redeemed.");

/// <summary>The player's own cap for the campaign is reached.</summary>
public sealed class PromoAlreadyRedeemedException(int limit)
    : LedgerException(PromoErrorCodes.AlreadyRedeemed, $"This promotion can be redeemed {limit} time(s) per player.")
{
    public int Limit { get; } = limit;
}

/// <summary>Too many failed attempts by this owner within the window: no code is looked at until <see cref="RetryAfter"/>.
/// </summary>
public sealed class TooManyAttemptsException(TimeSpan retryAfter)
    : LedgerException(PromoErrorCodes.TooManyAttempts, "Too many failed attempts; try again later.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

public sealed class CampaignNotFoundException(long campaignId)
    : LedgerException(PromoErrorCodes.CampaignNotFound, $"No campaign has id {campaignId}.");

/// <summary>Another active campaign has this vanity code.</summary>
public sealed class VanityCodeTakenException(string code)
    : LedgerException(PromoErrorCodes.VanityCodeTaken, $"An active campaign has the code '{code}'.");

public sealed class RedemptionNotFoundException(long redemptionId)
    : LedgerException(PromoErrorCodes.RedemptionNotFound, $"No redemption has id {redemptionId}.");

/// <summary>The redemption was revoked already (by another key).</summary>
public sealed class RedemptionRevokedException(long redemptionId)
    : LedgerException(PromoErrorCodes.RedemptionRevoked, $"Redemption {redemptionId} is revoked already.");
