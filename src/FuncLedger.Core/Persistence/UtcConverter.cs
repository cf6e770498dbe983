using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FuncLedger.Core.Persistence;

/// <summary>Every timestamp is UTC; providers that lose the kind on read (SQLite, SQL Server) get it back here.</summary>
internal sealed class UtcConverter : ValueConverter<DateTime, DateTime>
{
    public static readonly UtcConverter Instance = new();

    private UtcConverter()
        : base(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
    {
    }
}
