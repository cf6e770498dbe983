using System.Data.Common;
using FuncLedger.Core.Domain;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// A provider that runs a whole write as one statement on the server (PostgreSQL's PL/pgSQL functions <c>ledger_post</c>,
/// <c>ledger_capture</c>, <c>ledger_hold</c>, <c>ledger_void</c>, in <c>FuncLedger.Migrations.Postgres/Sql</c>). The rules are
/// the general path's (<c>Operations/LedgerWriter</c>, <c>Operations/Holds</c>, <c>Operations/HoldClosing</c>); a statement may
/// decline (null, nothing written) and the general path runs. The answers are rows of the outcomes below, one table shared
/// by both languages (a test checks the SQL answers exactly these).
/// </summary>
internal interface IServerWrites
{
    /// <summary>The write of <paramref name="postings"/> (keeping a refusal where <paramref name="keep"/> says, releasing
    /// <paramref name="release"/>'s hold when a capture), or null when the statement declined.</summary>
    Task<List<PostRow>?> PostAsync(DbConnection connection, IReadOnlyList<Posting> postings, bool[] keep, WriteRecord record,
        HoldRelease? release, DateTime now, CancellationToken ct);

    /// <summary>The capture's rows (the hold's first; a client key's conflict alone), or null when the write declined.</summary>
    Task<List<PostRow>?> CaptureAsync(DbConnection connection, CaptureCommand capture, string fingerprint, string closedKey, bool register,
        DateTime now, CancellationToken ct);

    /// <summary>A shop purchase (<c>shop_purchase</c>): the debit, the stock, the purchase row and the grant, or a refusal, a
    /// replay or a conflict; null when the statement declined.</summary>
    Task<List<PostRow>?> PurchaseAsync(DbConnection connection, PurchaseCall purchase, DateTime now, CancellationToken ct);

    /// <summary>The hold placed (or replayed, or refused).</summary>
    Task<HoldRow> PlaceHoldAsync(DbConnection connection, long ownerId, Hold hold, DateTime now, CancellationToken ct);

    /// <summary>The hold voided under <paramref name="key"/> (or replayed, or refused).</summary>
    Task<HoldRow> VoidAsync(DbConnection connection, long holdId, string key, string fingerprint, bool register, DateTime now,
        CancellationToken ct);
}

/// <summary>What a row of <c>ledger_post</c> says (its <c>o_kind</c>).</summary>
internal enum PostOutcome
{
    /// <summary>An entry, kept refusal or hold holding one of the keys (an <see cref="EntryRow"/>); nothing was written.</summary>
    Key = 'K',

    /// <summary>The client's key, registered by a request (<c>o_amount</c> its operation); nothing was written.</summary>
    ClientKey = 'R',

    /// <summary>The posting's row: <c>o_id</c> its id (after the postings' <see cref="Written"/> rows).</summary>
    Posting = 'G',

    /// <summary>Posting <c>o_n</c> was written: entry <c>o_id</c> on wallet <c>o_wallet</c>, balance after <c>o_balance</c>.</summary>
    Written = 'W',

    /// <summary>Insufficient funds on wallet <c>o_wallet</c>: <c>o_balance</c> available, <c>o_amount</c> asked.</summary>
    Insufficient = 'I',

    /// <summary>Wallet <c>o_wallet</c> is frozen.</summary>
    Frozen = 'Z',

    /// <summary>The balance of wallet <c>o_wallet</c> would overflow.</summary>
    Overflow = 'O',

    /// <summary>Posting <c>o_n</c>'s wallet does not exist and may not be created.</summary>
    NoWallet = 'N',

    /// <summary>The capture's hold is no longer pending: <c>o_amount</c> is its status.</summary>
    HoldNotPending = 'P',

    /// <summary>The capture's hold has expired.</summary>
    HoldExpired = 'E',

    /// <summary><c>ledger_capture</c>'s hold as read: <c>o_n</c> its status, <c>o_id</c> its amount, <c>o_wallet</c> its owner,
    /// <c>o_amount</c> the coins to capture, <c>o_balance</c> its expiry (microseconds since 1970), <c>o_key</c> the capture's
    /// reason, <c>o_fingerprint</c> the hold's meta.</summary>
    CapturedHold = 'h',

    /// <summary><c>shop_purchase</c> bought (after the debit's <see cref="Written"/> row): <c>o_id</c> the purchase, <c>o_wallet</c>
    /// its entry, <c>o_amount</c> its time (microseconds since 1970), <c>o_balance</c> the balance after, <c>o_key</c> the title.
    /// </summary>
    Bought = 'B',

    /// <summary>The purchase the key made before, as <see cref="Bought"/>, with <c>o_n</c> its refunded units.</summary>
    BoughtBefore = 'b',

    /// <summary>The shop refused, nothing written: <c>o_key</c> the code (item_not_found, item_unavailable, price_changed,
    /// out_of_stock, purchase_limit), <c>o_amount</c> the current price, the stock left or the limit, <c>o_balance</c> the
    /// units the owner holds against the limit.</summary>
    ShopRefused = 'S',
}

/// <summary>What <c>shop_purchase</c> is called with: the buyer, the item, the terms the buyer saw, the key and its fingerprint,
/// the entry's meta.</summary>
internal sealed record PurchaseCall(long OwnerId, string Sku, int Quantity, long Price, long Total, string Key, string Fingerprint,
    string Meta);

/// <summary>One row of <c>ledger_post</c>; the columns mean what <see cref="Kind"/> says.</summary>
internal readonly record struct PostRow(
    PostOutcome Kind, int Index, long Id, long WalletId, long Amount, long Balance, string? Key, string? Fingerprint)
{
    public EntryRow AsEntry() =>
        new(Kind == PostOutcome.ClientKey ? EntryRow.ClientKeyId : Id, WalletId, Amount, Balance, Key!, Fingerprint);
}

/// <summary>What <c>ledger_hold</c> answered (its <c>o_kind</c>).</summary>
internal enum HoldOutcome
{
    /// <summary>The hold as it stands (new, or the one the key holds when replayed).</summary>
    Hold = 'H',

    /// <summary>The key holds other terms.</summary>
    Conflict = 'C',

    /// <summary>Insufficient funds on <see cref="Hold.WalletId"/>: <c>o_balance</c> available, <c>o_amount</c> asked.</summary>
    Insufficient = 'I',

    /// <summary>The owner's wallet is frozen.</summary>
    Frozen = 'Z',

    /// <summary>The owner has no wallet.</summary>
    NoWallet = 'N',

    /// <summary>No hold has the id.</summary>
    HoldNotFound = 'F',

    /// <summary>The hold is no longer pending (its status in <see cref="Hold.Status"/>).</summary>
    HoldNotPending = 'P',

    /// <summary>The hold has expired (at <see cref="Hold.ExpiresAt"/>).</summary>
    HoldExpired = 'E',
}

/// <summary>One row of <c>ledger_hold</c>: <see cref="Hold"/> carries the hold's columns (or the refused wallet and amount),
/// <see cref="Balance"/> and <see cref="Held"/> its wallet's balance and pending held coins (or the available coins).</summary>
internal sealed record HoldRow(HoldOutcome Kind, bool Replayed, long OwnerId, Hold Hold, long Balance, long Held);
