using System.Globalization;

namespace Jano.Train.Commands;

/// <summary>"--name value" and "--flag" command-line options; unknown ones are an error, not silently ignored.</summary>
public sealed class Args
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public Args(IEnumerable<string> args, params string[] flags)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"unexpected argument '{list[i]}'");
            string name = list[i][2..];
            if (flags.Contains(name)) _values[name] = null;
            else if (i + 1 < list.Count) _values[name] = list[++i];
            else throw new ArgumentException($"--{name} needs a value");
        }
    }

    public bool Flag(string name) { _used.Add(name); return _values.ContainsKey(name); }

    public string? String(string name) { _used.Add(name); return _values.GetValueOrDefault(name); }

    public string Required(string name) => String(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => String(name) is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;

    public long? Long(string name) => String(name) is { } s ? long.Parse(s, CultureInfo.InvariantCulture) : null;

    public double Double(string name, double fallback) => String(name) is { } s ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Call after reading every option: rejects the ones nobody asked for (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}");
    }
}
