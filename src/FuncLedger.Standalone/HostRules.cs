using System.Globalization;
using System.Text.RegularExpressions;
using NCrontab;

namespace FuncLedger.Standalone;

/// <summary>
/// What the Azure Functions host refuses when it starts, checked on functions.metadata and the app's settings. Standalone runs
/// it before it serves anything (and refuses to start on the first violation), and the conformance tests run it on the files
/// the app ships, so nothing works locally that the host would not load. Each rule names where the host enforces it.
/// </summary>
public static partial class HostRules
{
    /// <summary>Route prefixes the host keeps for its own APIs (<c>/admin</c> is its management API).</summary>
    public static readonly IReadOnlyList<string> ReservedRoutePrefixes = ["admin", "runtime"];

    /// <summary>Every rule's violations in <paramref name="functions"/>; empty when the host would load them all.
    /// <paramref name="settings"/> are the app settings (keys with <c>:</c> or <c>__</c>, case-insensitive).</summary>
    public static IReadOnlyList<string> Check(IReadOnlyList<MetadataFunction> functions, IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(functions);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var routes = new List<(string Name, string Route, IReadOnlyList<string>? Methods)>();
        foreach (var function in functions)
        {
            // azure-functions-host, Utility.IsValidFunctionName: ^[a-z][a-z0-9_\-]{0,127}$, case-insensitive, never "host".
            if (!FunctionName().IsMatch(function.Name))
            {
                problems.Add($"function name '{function.Name}' is not one the host accepts (a letter, then up to 127 letters, "
                    + "digits, _ or -; not 'host')");
            }

            // azure-functions-host, FunctionMetadataManager: function names are unique within the app.
            if (!names.Add(function.Name))
            {
                problems.Add($"function name '{function.Name}' is used twice");
            }

            switch (function.Trigger)
            {
                case { Type: "httpTrigger" } http:
                    var route = (http.Route ?? function.Name).Trim('/');
                    CheckRoute(function.Name, route, http.Methods, routes, problems);
                    break;
                case { Type: "queueTrigger" } queue:
                    CheckQueue(function.Name, queue, settings, problems);
                    break;
                case { Type: "timerTrigger" } timer:
                    CheckSchedule(function.Name, timer.Schedule, settings, problems);
                    break;
                case null:
                    problems.Add($"function '{function.Name}' has no trigger");
                    break;
            }
        }

        return problems;
    }

    /// <summary>The app settings the functions read by name: each <c>%Setting%</c> of a schedule or queue name, and each
    /// connection (a connection may be one setting, or a group <c>Name__*</c> for an identity-based connection).</summary>
    public static IEnumerable<(string Name, bool IsConnection)> SettingsRead(IReadOnlyList<MetadataFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        foreach (var trigger in functions.Select(f => f.Trigger).OfType<MetadataTrigger>())
        {
            foreach (var text in new[] { trigger.Schedule, trigger.QueueName, trigger.Route })
            {
                if (SettingName(text) is { } name)
                {
                    yield return (name, false);
                }
            }

            if (trigger.Type == "queueTrigger")
            {
                yield return (trigger.Connection ?? DefaultConnection, true);
            }
        }
    }

    /// <summary>Whether <paramref name="settings"/> define the setting or connection <paramref name="name"/>.</summary>
    public static bool IsDefined(IReadOnlyDictionary<string, string?> settings, string name, bool isConnection)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = Key(name);
        return settings.Any(s => Key(s.Key) is var k && !string.IsNullOrEmpty(s.Value)
            && (string.Equals(k, key, StringComparison.OrdinalIgnoreCase)
                || (isConnection && k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>The connection a queue trigger uses when it names none.</summary>
    public const string DefaultConnection = "AzureWebJobsStorage";

    private static void CheckRoute(string function, string route, IReadOnlyList<string>? methods,
        List<(string Name, string Route, IReadOnlyList<string>? Methods)> routes, List<string> problems)
    {
        // azure-functions-host, ScriptHost.ValidateHttpFunction: "The specified route conflicts with one or more built in
        // routes." The test is a prefix of the lower-cased route, so "administration" is refused too, under any routePrefix.
        var lowered = route.ToLowerInvariant();
        if (ReservedRoutePrefixes.Any(p => lowered.StartsWith(p, StringComparison.Ordinal)))
        {
            problems.Add($"route '{route}' of function {function} conflicts with the host's built-in routes "
                + $"(no route may start with {string.Join(" or ", ReservedRoutePrefixes)}: use ops/)");
        }

        // azure-functions-host, ScriptHost.HttpRoutesConflict: the same route template (case-insensitive) with a method in
        // common (no methods means every method) is "The route specified conflicts with the route defined by function X".
        foreach (var other in routes.Where(r => string.Equals(r.Route, route, StringComparison.OrdinalIgnoreCase)))
        {
            if (methods is null or { Count: 0 } || other.Methods is null or { Count: 0 }
                || methods.Intersect(other.Methods, StringComparer.OrdinalIgnoreCase).Any())
            {
                problems.Add($"route '{route}' of function {function} conflicts with the route of function {other.Name}");
            }
        }

        routes.Add((function, route, methods));
    }

    private static void CheckQueue(string function, MetadataTrigger queue, IReadOnlyDictionary<string, string?> settings,
        List<string> problems)
    {
        var connection = queue.Connection ?? DefaultConnection;
        // The host resolves the connection when it indexes the function: a missing one fails the listener at start.
        if (!IsDefined(settings, connection, isConnection: true))
        {
            problems.Add($"Set {connection}: the {function} queue trigger reads it");
        }

        var name = Resolve(queue.QueueName, settings, function, problems);
        // Azure Storage queue names (Microsoft.Azure.WebJobs.Extensions.Storage, QueueNameValidator): 3-63 characters, lower-case
        // letters, digits and single hyphens, starting and ending with a letter or digit; the host also creates {name}-poison.
        if (name is not null && (!QueueName().IsMatch(name) || (name + PoisonSuffix).Length > QueueNameLengthMax))
        {
            problems.Add($"queue name '{name}' of function {function} is not a valid Azure Storage queue name (or its "
                + $"{PoisonSuffix} queue would be over {QueueNameLengthMax} characters)");
        }
    }

    private static void CheckSchedule(string function, string? schedule, IReadOnlyDictionary<string, string?> settings,
        List<string> problems)
    {
        var expression = Resolve(schedule, settings, function, problems);
        if (expression is null)
        {
            return;
        }

        // Microsoft.Azure.WebJobs.Extensions.Timers, CronSchedule: NCRONTAB with six fields (seconds first), in UTC.
        if (ScheduleProblem(expression) is { } problem)
        {
            problems.Add($"schedule '{expression}' of function {function}: {problem}");
        }
    }

    /// <summary>Why the host would refuse <paramref name="expression"/> as a timer schedule; null when it parses.</summary>
    public static string? ScheduleProblem(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != ScheduleFields)
        {
            return $"an NCRONTAB schedule has {ScheduleFields} fields (second minute hour day month day-of-week)";
        }

        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true }) is null
            ? "it does not parse as NCRONTAB"
            : null;
    }

    /// <summary>The fields of a schedule the host accepts.</summary>
    public const int ScheduleFields = 6;

    public const string PoisonSuffix = "-poison";

    public const int QueueNameLengthMax = 63;

    /// <summary>A <c>%Setting%</c> resolved from <paramref name="settings"/> (a problem when it is missing), or the text as it is.
    /// </summary>
    private static string? Resolve(string? text, IReadOnlyDictionary<string, string?> settings, string function, List<string> problems)
    {
        if (SettingName(text) is not { } name)
        {
            return text;
        }

        var value = settings.FirstOrDefault(s => string.Equals(Key(s.Key), Key(name), StringComparison.OrdinalIgnoreCase)).Value;
        if (string.IsNullOrEmpty(value))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"Set {name}: the {function} trigger reads it"));
            return null;
        }

        return value;
    }

    private static string? SettingName(string? text) =>
        text is { Length: > 2 } && text[0] == '%' && text[^1] == '%' ? text[1..^1] : null;

    private static string Key(string name) => name.Replace("__", ":", StringComparison.Ordinal);

    [GeneratedRegex(@"^[a-z][a-z0-9_\-]{0,127}$(?<!^host$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FunctionName();

    [GeneratedRegex("^(?=.{3,63}$)[a-z0-9](?:[a-z0-9]|-(?!-))*[a-z0-9]$", RegexOptions.CultureInvariant)]
    private static partial Regex QueueName();
}
