
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// One entry an operation wants to write: <paramref name="Delta"/> coins on the owner's wallet.
/// Postings of one <paramref name="Group"/> (a transfer's two sides) replay or fail together. An <paramref name="Adjustment"/>
/// (an operator's, with the master key) moves coins out of a frozen wallet too; nothing else does. <paramref name="Source"/> is
/// recorded on the entry: what wrote it.
/// </summary>
internal readonly record struct Posting(
    int Group,
    long OwnerId,
    long Delta,
    string Reason,
    string? Key,
    string? Fingerprint,
    string? Meta,
    EntrySource Source,
    bool CreateWallet,
    bool Adjustment = false);

/// <summary>What happened to one posting: the entry (new or original) and the wallet's balance right after it.</summary>
internal readonly record struct Posted(long WalletId, long EntryId, long BalanceAfter, bool Replayed);

/// <summary>A client's key as the operation registers it (<c>client_keys</c>): one key, one operation of any kind.</summary>
internal readonly record struct ClientKeyWrite(string Key, LedgerOperation Operation, string Fingerprint);

/// <summary>What a write records beside its entries: the client's key (none for an unkeyed operation, an award, or a key the
/// ledger made), and for a posting the stem of its legs' keys, which gets a posting row.</summary>
internal sealed record WriteRecord(ClientKeyWrite? Client = null, string? PostingStem = null)
{
    public static readonly WriteRecord None = new();

    /// <summary>The record of an operation keyed <paramref name="clientKey"/> (none when null).</summary>
    public static WriteRecord Of(string? clientKey, LedgerOperation operation, string fingerprint, string? postingStem = null) =>
        new(clientKey is null ? null : new ClientKeyWrite(clientKey, operation, fingerprint), postingStem);
}

/// <summary>A write's answer: each posting's entry, and the posting's row when it has one.</summary>
internal readonly record struct Written(Posted[] Postings, long? PostingId);

/// <summary>A capture's hold: released under its wallet's lock with <paramref name="Captured"/> coins captured, when it is
/// still pending and not past <paramref name="ExpiresAt"/> (which a hold never changes), and closed under
/// <paramref name="ClosedKey"/> (the capture's key: the client's, or one the ledger made), so a retry under it replays.</summary>
internal sealed record HoldRelease(long HoldId, long Captured, DateTime ExpiresAt, string ClosedKey);
