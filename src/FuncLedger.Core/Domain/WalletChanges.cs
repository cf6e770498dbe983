namespace FuncLedger.Core.Domain;

/// <summary>The kinds of wallet change.</summary>
public static class WalletChanges
{
    public const string Freeze = "freeze";
    public const string Unfreeze = "unfreeze";
    public const string OverdraftOn = "overdraft_on";
    public const string OverdraftOff = "overdraft_off";
    public const string Adjustment = "adjustment";

    /// <summary>Actors are short labels (<c>key:3f2a…</c>, <c>cli:alice</c>).</summary>
    public const int ActorLengthMax = 64;
}
