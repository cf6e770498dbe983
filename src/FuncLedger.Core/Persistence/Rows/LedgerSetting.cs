namespace FuncLedger.Core.Persistence;

/// <summary>A value the ledger keeps in its own database, created by a migration: today the key that signs history
/// cursors (<see cref="CursorKey"/>), random per database, so every instance of one deployment shares it and no setting
/// has to carry a secret.</summary>
internal sealed class LedgerSetting
{
    public const string CursorKey = "cursor_key";

    public required string Name { get; set; }

    public required string Value { get; set; }
}
