using System.Text.RegularExpressions;
using FuncLedger.Core.Domain;
using FuncLedger.Core.Persistence;
using FuncLedger.Core.Persistence.Commands;
using FuncLedger.Core.Tests.Infrastructure;
using FuncLedger.Migrations.Postgres;
using FuncLedger.TestSupport;

namespace FuncLedger.Core.Tests.Persistence;

/// <summary>
/// PostgreSQL's server-side writes live in versioned <c>.sql</c> files (<see cref="SqlFiles"/>): what a migrated database runs is
/// the newest version of each file, the hold statuses and operation kinds they name are the C# enums', and they answer in
/// exactly the outcome codes <see cref="PostOutcome"/> and <see cref="HoldOutcome"/> define (one table for both languages).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class SqlFilesTests(PostgresDatabaseFixture database) : LedgerTestBase(database)
{
    /// <summary>The newest version of each body: <c>name.vN.sql</c> with the highest N.</summary>
    private static Dictionary<string, string> Newest() =>
        SqlFiles.Names().Select(n => Versioned().Match(n)).Where(m => m.Success)
            .GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => SqlFiles.Read(g.OrderBy(m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))
                .Last().Value));

    [Fact]
    public async Task A_migrated_database_runs_the_newest_version_of_every_function_file()
    {
        var functions = Newest().Where(f => f.Value.Contains("CREATE", StringComparison.Ordinal)
            && FunctionBody().IsMatch(f.Value)).ToList();
        Assert.Equal(["ledger_capture", "ledger_entries_immutable", "ledger_hold", "ledger_post", "ledger_void", "shop_purchase"],
            functions.Select(f => f.Key).Order());

        foreach (var (name, text) in functions)
        {
            var installed = await Db.ScalarTextAsync($"SELECT prosrc FROM pg_proc WHERE proname = '{name}'");
            Assert.Equal(FunctionBody().Match(text).Groups[2].Value, installed);
        }
    }

    [Fact]
    public void The_statuses_and_operation_kinds_the_sql_names_are_the_enums()
    {
        var named = Newest().Values.SelectMany(t => Constant().Matches(t)).ToList();

        Assert.NotEmpty(named);
        foreach (Match c in named)
        {
            var value = int.Parse(c.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            var expected = c.Groups[3].Value switch
            {
                nameof(HoldStatus) => (int)Enum.Parse<HoldStatus>(c.Groups[4].Value),
                nameof(EntrySource) => (int)Enum.Parse<EntrySource>(c.Groups[4].Value),
                nameof(CheckoutStatus) => (int)Enum.Parse<CheckoutStatus>(c.Groups[4].Value),
                _ => (int)Enum.Parse<LedgerOperation>(c.Groups[4].Value),
            };
            Assert.True(expected == value, $"{c.Groups[1].Value} is {value}, {c.Groups[3].Value}.{c.Groups[4].Value} is {expected}");
        }

        // No bare status number where a hold's status is compared or set.
        Assert.DoesNotContain(Newest().Values, t => BareStatus().IsMatch(t));
    }

    [Fact]
    public void The_sql_answers_in_exactly_the_outcome_codes_of_the_shared_table()
    {
        var newest = Newest();
        char[] post = [.. Outcome().Matches(newest["ledger_post"] + newest["ledger_capture"] + newest["shop_purchase"]).Select(m => m.Groups[1].Value[0]).Distinct()];
        char[] hold = [.. Outcome().Matches(newest["ledger_hold"] + newest["ledger_void"]).Select(m => m.Groups[1].Value[0]).Distinct()];

        Assert.Equal(Enum.GetValues<PostOutcome>().Select(o => (char)o).Order(), post.Order());
        Assert.Equal(Enum.GetValues<HoldOutcome>().Select(o => (char)o).Order(), hold.Order());
    }

    [GeneratedRegex(@"^(\w+)\.v(\d+)\.sql$")]
    private static partial Regex Versioned();

    [GeneratedRegex(@"AS (\$\w*\$)(.*)\1", RegexOptions.Singleline)]
    private static partial Regex FunctionBody();

    [GeneratedRegex(@"(c_\w+) CONSTANT (?:integer|smallint) := (\d+);\s+--\s+(HoldStatus|LedgerOperation|EntrySource|CheckoutStatus)\.(\w+)")]
    private static partial Regex Constant();

    [GeneratedRegex(@"status\s*(?:=|<>|NOT IN \(|IN \()\s*\d")]
    private static partial Regex BareStatus();

    /// <summary>An outcome a statement answers: a <c>"char"</c> literal, or a branch of the CASE that picks one.</summary>
    [GeneratedRegex("""'(\w)'(?:::"char"|\s+(?:WHEN|ELSE|END))""")]
    private static partial Regex Outcome();
}
