using System.Data.Common;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence.Commands;

namespace FuncLedger.Core.Persistence.Postgres;

/// <summary>PostgreSQL's whole writes as one statement: <see cref="PostgresPostCommand"/> (a write, a capture, a purchase) and
/// <see cref="PostgresHoldCommand"/> (a hold, a void).</summary>
internal sealed class PostgresServerWrites : IServerWrites
{
    public static readonly PostgresServerWrites Instance = new();

    public Task<List<PostRow>?> PostAsync(DbConnection connection, IReadOnlyList<Posting> postings, bool[] keep, WriteRecord record,
        HoldRelease? release, DateTime now, CancellationToken ct) =>
        PostgresPostCommand.Instance.ExecuteAsync(connection, postings, keep, record, release, now, ct);

    public Task<List<PostRow>?> CaptureAsync(DbConnection connection, CaptureCommand capture, string fingerprint, string closedKey,
        bool register, DateTime now, CancellationToken ct) =>
        PostgresPostCommand.Instance.CaptureAsync(connection, capture, fingerprint, closedKey, register, now, ct);

    public Task<List<PostRow>?> PurchaseAsync(DbConnection connection, PurchaseCall purchase, DateTime now, CancellationToken ct) =>
        PostgresPostCommand.Instance.PurchaseAsync(connection, purchase, now, ct);

    public Task<HoldRow> PlaceHoldAsync(DbConnection connection, long ownerId, Hold hold, DateTime now, CancellationToken ct) =>
        PostgresHoldCommand.Instance.PlaceAsync(connection, ownerId, hold, now, ct);

    public Task<HoldRow> VoidAsync(DbConnection connection, long holdId, string key, string fingerprint, bool register, DateTime now,
        CancellationToken ct) =>
        PostgresHoldCommand.Instance.VoidAsync(connection, holdId, key, fingerprint, register, now, ct);
}
