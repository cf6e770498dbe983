namespace FuncLedger.Core.Domain;

/// <summary>Bounds of a reconciliation run (units last in names).</summary>
public static class ReconciliationLimits
{
    /// <summary>Drifted wallets fixed per transaction: each chunk locks at most this many wallets.</summary>
    public const int FixChunkSizeDefault = 500;
    public const int FixChunkSizeMax = 1_000;

    /// <summary>The most drifted wallet IDs a stored run record lists (the drift count is always exact).</summary>
    public const int RecordedWalletIdsMax = 200;

    /// <summary>The stored list of drifted wallet IDs: comma-separated, at most this many characters.</summary>
    public const int RecordedWalletIdsLengthMax = 4_000;

    public const int TriggerLengthMax = 16;

    /// <summary>The most run records one read returns.</summary>
    public const int RecentRunsMax = 100;
}
