namespace FuncLedger.Core.Domain;

/// <summary>Where a hold stands. Only a pending hold counts against the available balance (until it expires).</summary>
public enum HoldStatus
{
    Pending = 0,
    Captured = 1,
    Voided = 2,
    Expired = 3,
}
