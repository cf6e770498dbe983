using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Functions.Worker;

namespace FuncLedger.Standalone;

/// <summary>
/// Function keys enforced as Azure does: the key comes in the <c>x-functions-key</c> header or the <c>code</c> query
/// parameter; Function level accepts a function key or the master key, Admin level only the master key,
/// Anonymous none. Keys come from configuration (<c>Standalone:FunctionKeys</c>, comma-separated, and
/// <c>Standalone:MasterKey</c>); comparisons are constant-time.
/// </summary>
public sealed class FunctionKeys
{
    public const string Header = "x-functions-key";
    public const string Query = "code";
    public const string FunctionKeysSetting = "Standalone:FunctionKeys";
    public const string MasterKeySetting = "Standalone:MasterKey";

    /// <summary>Keys shorter than this are refused at start-up.</summary>
    public const int KeyLengthMin = 16;

    private readonly byte[][] _functionKeys;
    private readonly byte[] _masterKey;

    public FunctionKeys(IEnumerable<string> functionKeys, string masterKey)
    {
        ArgumentNullException.ThrowIfNull(functionKeys);
        var keys = functionKeys.Select(k => k.Trim()).Where(k => k.Length > 0).ToArray();
        if (keys.Length == 0 || string.IsNullOrWhiteSpace(masterKey))
        {
            throw new InvalidOperationException(
                $"Set {FunctionKeysSetting} and {MasterKeySetting}: Standalone serves no function without keys.");
        }

        if (keys.Append(masterKey).Any(k => k.Length < KeyLengthMin))
        {
            throw new InvalidOperationException($"Function and master keys must be at least {KeyLengthMin} characters.");
        }

        _functionKeys = [.. keys.Select(Digest)];
        _masterKey = Digest(masterKey);
    }

    public bool IsAuthorized(HttpRequest request, AuthorizationLevel level)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (level == AuthorizationLevel.Anonymous)
        {
            return true;
        }

        string? presented = request.Headers[Header];
        if (string.IsNullOrEmpty(presented))
        {
            presented = request.Query[Query];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var digest = Digest(presented);
        var master = CryptographicOperations.FixedTimeEquals(digest, _masterKey);
        if (level is AuthorizationLevel.Admin or AuthorizationLevel.System)
        {
            return master;
        }

        // Every key is compared (no early exit), so timing tells nothing about which one matched.
        var matched = master;
        foreach (var key in _functionKeys)
        {
            matched |= CryptographicOperations.FixedTimeEquals(digest, key);
        }

        return matched;
    }

    // Equal-length digests make FixedTimeEquals independent of the presented key's length.
    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
