using System.Data;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using Microsoft.Data.SqlClient;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// Every parameter of every SQL Server command is typed: an untyped string goes to SQL Server as nvarchar against the
/// varchar key column, which turns the key-index seek into a scan on every keyed write, and an untyped DateTime goes as
/// the legacy datetime (1/300 s). Each command binds onto a real SqlCommand (no server needed to bind).
/// </summary>
public sealed class ParameterTypeTests
{
    private static readonly LedgerStore SqlServer = LedgerStore.For(LedgerProvider.SqlServer);
    private static readonly DateTime Now = new(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);

    private static SqlCommand Command() => new();

    private static void AssertTypes(SqlCommand command, IReadOnlyDictionary<string, (SqlDbType Type, int Size)> expected)
    {
        var seen = new HashSet<string>();
        foreach (SqlParameter parameter in command.Parameters)
        {
            var prefix = new string([.. parameter.ParameterName.TakeWhile(c => !char.IsDigit(c))]);
            Assert.True(expected.TryGetValue(prefix, out var type), parameter.ParameterName + " is not expected");
            Assert.Equal((parameter.ParameterName, type.Type, type.Size), (parameter.ParameterName, parameter.SqlDbType, parameter.Size));
            seen.Add(prefix);
        }

        Assert.Equal(expected.Keys.Order(), seen.Order());
    }

    [Fact]
    public void The_lookup_binds_keys_as_varchar_128_and_owners_as_bigint()
    {
        using var command = Command();
        SqlServer.LookupAndLock.Bind(command, ["k-1", "k-2_debit"], [1, 2, 3]);

        Assert.Equal(5, command.Parameters.Count);
        AssertTypes(command, new Dictionary<string, (SqlDbType, int)>
        {
            ["@k"] = (SqlDbType.VarChar, LedgerLimits.IdempotencyKeyColumnLengthMax),
            ["@o"] = (SqlDbType.BigInt, 0),
        });
    }

    [Fact]
    public void The_write_binds_every_column_with_its_own_type_and_length()
    {
        using var command = Command();
        RowWriteCommand.Bind(command, [new WalletRow(1, 10, 5, allowOverdraft: false) { Balance = 15 }],
            [new EntryWrite(1, 10, 15, "gift", "k-1", new string('a', LedgerLimits.FingerprintLength), "{}", EntrySource.Credit),
             new EntryWrite(1, -3, 12, "fee", null, null, null, EntrySource.Debit)], Now);

        AssertTypes(command, new Dictionary<string, (SqlDbType, int)>
        {
            ["@now"] = (SqlDbType.DateTime2, 0),
            ["@w"] = (SqlDbType.BigInt, 0),
            ["@b"] = (SqlDbType.BigInt, 0),
            ["@e"] = (SqlDbType.BigInt, 0),
            ["@ew"] = (SqlDbType.BigInt, 0),
            ["@ea"] = (SqlDbType.BigInt, 0),
            ["@eb"] = (SqlDbType.BigInt, 0),
            ["@er"] = (SqlDbType.NVarChar, LedgerLimits.ReasonLengthMax),
            ["@ek"] = (SqlDbType.VarChar, LedgerLimits.IdempotencyKeyColumnLengthMax),
            ["@ef"] = (SqlDbType.Char, LedgerLimits.FingerprintLength),
            ["@em"] = (SqlDbType.NVarChar, LedgerLimits.MetaBytesMax),
            ["@es"] = (SqlDbType.SmallInt, 0),
        });
    }

    [Fact]
    public void Creating_a_wallet_and_the_fix_bind_bigint_ids_and_a_datetime2_timestamp()
    {
        using var create = Command();
        using var lockWallets = Command();
        using var set = Command();

        CreateWalletCommand.Bind(create, 42, Now);
        LockSumSetCommand.BindLock(lockWallets, [3, 4]);
        LockSumSetCommand.BindSet(set, [new WalletSum(3, 10, 12)], Now);

        AssertTypes(create, new Dictionary<string, (SqlDbType, int)> { ["@owner"] = (SqlDbType.BigInt, 0), ["@now"] = (SqlDbType.DateTime2, 0) });
        AssertTypes(lockWallets, new Dictionary<string, (SqlDbType, int)> { ["@w"] = (SqlDbType.BigInt, 0) });
        AssertTypes(set, new Dictionary<string, (SqlDbType, int)>
        {
            ["@now"] = (SqlDbType.DateTime2, 0),
            ["@w"] = (SqlDbType.BigInt, 0),
            ["@b"] = (SqlDbType.BigInt, 0),
        });
    }

    [Fact]
    public void A_kept_refusal_binds_its_key_and_fingerprint_as_varchar_and_char_and_its_figures_as_bigint()
    {
        using var refusal = Command();

        RecordRefusalCommand.Bind(refusal, new RefusalWrite("order-7", new string('a', 64), 3, 20, -50), Now);

        AssertTypes(refusal, new Dictionary<string, (SqlDbType, int)>
        {
            ["@k"] = (SqlDbType.VarChar, 128),
            ["@f"] = (SqlDbType.Char, 64),
            ["@w"] = (SqlDbType.BigInt, 0),
            ["@b"] = (SqlDbType.BigInt, 0),
            ["@a"] = (SqlDbType.BigInt, 0),
            ["@now"] = (SqlDbType.DateTime2, 0),
        });
    }

    [Fact]
    public void A_client_key_and_a_posting_row_bind_the_key_as_varchar_the_kind_as_smallint_and_the_legs_as_int()
    {
        using var write = Command();
        var client = new Core.Persistence.Commands.ClientKeyWrite("order-7", Core.Domain.LedgerOperation.Posting, new string('a', 64));

        WriteCommand.BindExtras(write, new Core.Persistence.Commands.WriteRecord(client, "order-7"), 3);

        AssertTypes(write, new Dictionary<string, (SqlDbType, int)>
        {
            ["@ck"] = (SqlDbType.VarChar, 128),
            ["@co"] = (SqlDbType.SmallInt, 0),
            ["@cf"] = (SqlDbType.Char, 64),
            ["@ps"] = (SqlDbType.VarChar, 128),
            ["@pl"] = (SqlDbType.Int, 0),
        });
    }
}
