using FuncLedger.Core.Payouts;
using FuncLedger.Core.Reconciliation;

namespace FuncLedger.Functions.Contracts;

/// <summary>A recorded payout rejection: the message, the award it named (registration and place, never the owner), why.
/// </summary>
public sealed record PayoutRejectionResponse(long Id, string MessageId, string? AwardType, long? RegistrationId, int? Place,
    string ReasonCode, string Detail, long DequeueCount, DateTimeOffset RejectedAt)
{
    public static PayoutRejectionResponse From(PayoutRejection r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.MessageId, r.AwardType, r.RegistrationId, r.Place, r.ReasonCode, r.Detail, r.DequeueCount,
            new DateTimeOffset(DateTime.SpecifyKind(r.RejectedAt, DateTimeKind.Utc)));
    }
}

public sealed record PayoutRejectionsResponse(IReadOnlyList<PayoutRejectionResponse> Rejections);

/// <summary>A reconciliation run as recorded (wallet ids only).</summary>
public sealed record ReconciliationRunResponse(long Id, string Trigger, bool Fix, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    long WalletsChecked, long DriftCount, long CorrectionsApplied, long BalancesTotal, long EntriesTotal, string DriftedWalletIds)
{
    public static ReconciliationRunResponse From(ReconciliationRun r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Trigger, r.Fix, Utc(r.StartedAt), Utc(r.FinishedAt), r.WalletsChecked, r.DriftCount, r.CorrectionsApplied,
            r.BalancesTotal, r.EntriesTotal, r.DriftedWalletIds);
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

public sealed record ReconciliationRunsResponse(IReadOnlyList<ReconciliationRunResponse> Runs);

/// <summary>A signed history link for one owner and when it expires.</summary>
public sealed record HistoryLinkResponse(long OwnerId, string Url, DateTimeOffset ExpiresAt);

/// <summary>Every link of the owner issued so far no longer works; links issued from now on carry <paramref name="Epoch"/>.</summary>
public sealed record HistoryLinksRevokedResponse(long OwnerId, int Epoch);

/// <summary>The history page's data: the wallet's coins and one page of entries, newest first.</summary>
public sealed record HistoryPageResponse(long OwnerId, long Balance, long Held, long Available, IReadOnlyList<HistoryPageEntry> Items,
    string? NextCursor);

public sealed record HistoryPageEntry(long TransactionId, long Amount, long BalanceAfter, string Reason, DateTimeOffset CreatedAt);
