namespace FuncLedger.Core.Domain;

/// <summary>A checkout's state: pending (its hold and stock reserved) until confirmed (the hold captured, every line bought),
/// cancelled (the hold voided, the stock returned) or expired (the stock returned; the hold expires with it).</summary>
public enum CheckoutStatus : short
{
    Pending = 0,
    Completed = 1,
    Cancelled = 2,
    Expired = 3,
}
