using System.Collections.Concurrent;

namespace FuncLedger.Core.Persistence.Commands;

/// <summary>
/// The SQL texts of a command by shape (how many keys, owners, wallets, entries), built once per shape and kept for at
/// most <see cref="ShapesMax"/> shapes; a rarer shape past that is built each time it is used and not kept, so the cache
/// cannot grow without bound (a text of a large batch is tens of kilobytes).
/// </summary>
internal sealed class SqlTextCache<TShape>(Func<TShape, string> build)
    where TShape : notnull
{
    /// <summary>The most shapes kept per command. The common ones (1 or 2 postings, awards of one size) come first.</summary>
    public const int ShapesMax = 256;

    private readonly ConcurrentDictionary<TShape, string> _texts = new();

    /// <summary>How many shapes are kept.</summary>
    public int Count => _texts.Count;

    public string Get(TShape shape)
    {
        if (_texts.TryGetValue(shape, out var text))
        {
            return text;
        }

        text = build(shape);
        if (_texts.Count < ShapesMax)
        {
            _texts.TryAdd(shape, text);
        }

        return text;
    }
}
