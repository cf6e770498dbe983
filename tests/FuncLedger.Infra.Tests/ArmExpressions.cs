using System.Globalization;
using System.Text.Json;

namespace FuncLedger.Infra.Tests;

/// <summary>Thrown where the template's <c>fail()</c> would fail the deployment.</summary>
public sealed class DeploymentFailedException(string message) : Exception(message);

/// <summary>
/// Evaluates the ARM template language expressions the compiled Bicep holds for its variables (the subset it uses: literals,
/// <c>parameters()</c>, <c>variables()</c>, indexing, comparisons, arithmetic, <c>if</c> and <c>fail</c>), so a test can ask
/// what a deployment with given parameters would compute, or whether it would fail, without an Azure subscription.
/// </summary>
public sealed class ArmExpressions(JsonElement template, IReadOnlyDictionary<string, object?> parameters)
{
    /// <summary>The value of variable <paramref name="name"/> for the parameters (a template default where none is given).</summary>
    public object? Variable(string name) => Value(template.GetProperty("variables").GetProperty(name));

    /// <summary>The value of a property of the template (an expression or a literal) for the parameters.</summary>
    public object? Evaluate(JsonElement property) => Value(property);

    private object? Parameter(string name) => parameters.TryGetValue(name, out var given)
        ? given
        : Value(template.GetProperty("parameters").GetProperty(name).GetProperty("defaultValue"));

    private object? Value(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when element.GetString() is ['[', .., ']'] text && !text.StartsWith("[[", StringComparison.Ordinal) =>
            new Parser(this, text[1..^1]).Parse(),
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => element.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => element,
    };

    private sealed class Parser(ArmExpressions owner, string text)
    {
        private int _at;

        public object? Parse()
        {
            var value = Expression();
            Skip();
            return _at == text.Length ? value : throw new FormatException($"unparsed: {text[_at..]}");
        }

        private void Skip()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }
        }

        private object? Expression()
        {
            Skip();
            var value = Primary();
            while (_at < text.Length && (text[_at] == '[' || text[_at] == '.'))
            {
                if (text[_at++] == '[')
                {
                    var index = Expression();
                    Expect(']');
                    value = Index(value, index);
                }
                else
                {
                    var start = _at;
                    while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
                    {
                        _at++;
                    }

                    value = Index(value, text[start.._at]);
                }
            }

            return value;
        }

        private static object? Index(object? value, object? index) => (value, index) switch
        {
            (JsonElement { ValueKind: JsonValueKind.Object } o, string name) => Plain(o.GetProperty(name)),
            (JsonElement { ValueKind: JsonValueKind.Array } a, long i) => Plain(a[(int)i]),
            _ => throw new FormatException($"cannot index {value} by {index}"),
        };

        private static object? Plain(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.GetInt64(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => element,
        };

        private void Expect(char c)
        {
            Skip();
            if (_at >= text.Length || text[_at] != c)
            {
                throw new FormatException($"expected {c} at {_at} in {text}");
            }

            _at++;
        }

        private object? Primary()
        {
            if (text[_at] == '\'')
            {
                var value = new System.Text.StringBuilder();
                _at++;
                while (true)
                {
                    if (text[_at] == '\'' && _at + 1 < text.Length && text[_at + 1] == '\'')
                    {
                        value.Append('\'');
                        _at += 2;
                    }
                    else if (text[_at] == '\'')
                    {
                        _at++;
                        return value.ToString();
                    }
                    else
                    {
                        value.Append(text[_at++]);
                    }
                }
            }

            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '-'))
            {
                _at++;
            }

            var word = text[start.._at];
            if (long.TryParse(word, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
            {
                return number;
            }

            Expect('(');
            var arguments = new List<Func<object?>>();
            Skip();
            while (text[_at] != ')')
            {
                // Arguments are parsed now and evaluated on demand, so if() and fail() short-circuit as ARM's do.
                var from = _at;
                SkipArgument();
                var argument = text[from.._at];
                arguments.Add(() => new Parser(owner, argument).Parse());
                Skip();
                if (text[_at] == ',')
                {
                    _at++;
                    Skip();
                }
            }

            _at++;
            return Call(word, arguments);
        }

        /// <summary>Moves past one argument: to the comma or parenthesis that ends it at this depth.</summary>
        private void SkipArgument()
        {
            var depth = 0;
            var quoted = false;
            for (; _at < text.Length; _at++)
            {
                var c = text[_at];
                if (quoted)
                {
                    if (c == '\'' && !(_at + 1 < text.Length && text[_at + 1] == '\''))
                    {
                        quoted = false;
                    }
                    else if (c == '\'')
                    {
                        _at++;
                    }
                }
                else if (c == '\'')
                {
                    quoted = true;
                }
                else if (c is '(' or '[')
                {
                    depth++;
                }
                else if (c is ')' or ']' && depth > 0)
                {
                    depth--;
                }
                else if ((c == ',' || c == ')') && depth == 0)
                {
                    return;
                }
            }
        }

        private object? Call(string name, List<Func<object?>> a)
        {
            long N(int i) => Convert.ToInt64(a[i](), CultureInfo.InvariantCulture);
            bool B(int i) => (bool)a[i]()!;
            return name switch
            {
                "parameters" => owner.Parameter((string)a[0]()!),
                "variables" => owner.Variable((string)a[0]()!),
                "if" => B(0) ? a[1]() : a[2](),
                "fail" => throw new DeploymentFailedException((string)a[0]()!),
                "equals" => Equals(a[0](), a[1]()),
                "not" => !B(0),
                "and" => a.TrueForAll(x => (bool)x()!),
                "or" => a.Exists(x => (bool)x()!),
                "empty" => a[0]() is null or "",
                "greaterOrEquals" => N(0) >= N(1),
                "lessOrEquals" => N(0) <= N(1),
                "greater" => N(0) > N(1),
                "less" => N(0) < N(1),
                "min" => Math.Min(N(0), N(1)),
                "max" => Math.Max(N(0), N(1)),
                "div" => N(0) / N(1),
                "mul" => N(0) * N(1),
                "sub" => N(0) - N(1),
                "add" => N(0) + N(1),
                _ => throw new NotSupportedException($"ARM function {name}"),
            };
        }
    }
}
