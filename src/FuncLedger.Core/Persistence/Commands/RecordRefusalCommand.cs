using System.Data.Common;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>Keeps a keyed refusal (the same text on every provider), with the inline COMMIT when the provider sends one,
/// so the refusal is answered again on a retry under its key. Parameters @k, @f, @w, @b, @a, @now.</summary>
internal sealed class RecordRefusalCommand
{
    public static readonly RecordRefusalCommand Instance = new();

    internal const string Text =
        "INSERT INTO ledger_refusals (idempotency_key, request_fingerprint, wallet_id, balance, amount, created_at) "
        + "VALUES (@k, @f, @w, @b, @a, @now);\n";

    /// <summary>A refused request's client key is registered with its refusal: the key named that request, refused.</summary>
    internal const string RegisterText =
        "INSERT INTO client_keys (idempotency_key, operation, request_fingerprint, created_at) VALUES (@ck, @co, @cf, @now);\n";

    public async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, RefusalWrite refusal,
        ClientKeyWrite? client, DateTime now, string commit, CancellationToken ct)
    {
        await using var insert = Sql.Create(connection, transaction, Text + (client is null ? "" : RegisterText) + commit);
        Bind(insert, refusal, now);
        if (client is { } registered)
        {
            BindClient(insert, registered);
        }

        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A client key's registration (@ck, @co, @cf): the key as the key column, its operation, its fingerprint.</summary>
    internal static void BindClient(DbCommand command, ClientKeyWrite client)
    {
        Sql.AddKey(command, "@ck", client.Key);
        Sql.AddInt16(command, "@co", (short)client.Operation);
        Sql.AddFingerprint(command, "@cf", client.Fingerprint);
    }

    internal static void Bind(DbCommand command, RefusalWrite refusal, DateTime now)
    {
        Sql.AddKey(command, "@k", refusal.Key);
        Sql.AddFingerprint(command, "@f", refusal.Fingerprint);
        Sql.AddInt64(command, "@w", refusal.WalletId);
        Sql.AddInt64(command, "@b", refusal.Balance);
        Sql.AddInt64(command, "@a", refusal.Amount);
        Sql.AddTimestamp(command, "@now", now);
    }
}

/// <summary>A keyed refusal to keep: the refused posting's key, fingerprint and delta, the wallet and its balance.</summary>
internal readonly record struct RefusalWrite(string Key, string Fingerprint, long WalletId, long Balance, long Amount);
