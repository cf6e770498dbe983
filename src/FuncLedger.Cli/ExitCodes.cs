namespace FuncLedger.Cli;

/// <summary>The exit codes of every command.</summary>
public static class ExitCodes
{
    /// <summary>Done; for reconcile: no wallet drifts.</summary>
    public const int Clean = 0;

    /// <summary>reconcile found drift (reported on a dry run, corrected otherwise).</summary>
    public const int Drift = 1;

    /// <summary>Bad arguments, an unreachable database, pending migrations, or any other failure.</summary>
    public const int Error = 2;
}

/// <summary>A failure the CLI explains itself in one line.</summary>
public sealed class CliException(string message) : Exception(message);
