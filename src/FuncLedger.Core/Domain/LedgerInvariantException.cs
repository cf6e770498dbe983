namespace FuncLedger.Core.Domain;

/// <summary>An internal invariant failed: a bug or a database that does not honour its locks. The transaction rolls back.</summary>
public sealed class LedgerInvariantException(string message) : Exception("Ledger invariant violated: " + message);
