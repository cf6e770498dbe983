namespace FuncLedger.Core.Operations;

/// <summary>
/// One entry an operation wants to write: <paramref name="Delta"/> coins on the owner's wallet.
/// Postings of one <paramref name="Group"/> (a transfer's two sides) replay or fail together. A
/// <paramref name="Compensating"/> posting (a reversal) lands on a frozen wallet too.
/// </summary>
internal readonly record struct Posting(
    int Group,
    long OwnerId,
    long Delta,
    string Reason,
    string? Key,
    string? Fingerprint,
    string? Meta,
    bool CreateWallet,
    bool Compensating = false);

/// <summary>What happened to one posting: the entry (new or original) and the wallet's balance right after it.</summary>
internal readonly record struct Posted(long WalletId, long EntryId, long BalanceAfter, bool Replayed);
