using System.Reflection;

namespace FuncLedger.Migrations.Postgres;

/// <summary>
/// The SQL bodies the migrations install, each a versioned file under Sql/ embedded in this assembly (<c>name.vN.sql</c>):
/// a migration loads the version it installs by name, so each version of a body is written once, in SQL, and a later
/// version is a new file beside it.
/// </summary>
public static class SqlFiles
{
    /// <summary>The text of <c>Sql/{name}</c>.</summary>
    public static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FuncLedger.Migrations.Postgres.Sql." + name)
            ?? throw new InvalidOperationException($"Sql/{name} is not embedded in FuncLedger.Migrations.Postgres.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Every embedded file's name.</summary>
    public static IReadOnlyList<string> Names() =>
        [.. Assembly.GetExecutingAssembly().GetManifestResourceNames()
            .Where(n => n.StartsWith("FuncLedger.Migrations.Postgres.Sql.", StringComparison.Ordinal))
            .Select(n => n["FuncLedger.Migrations.Postgres.Sql.".Length..])
            .Order(StringComparer.Ordinal)];
}
