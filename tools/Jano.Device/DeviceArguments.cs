using System.Globalization;

using Jano.Cli;

namespace Jano.Device;

/// <summary>
/// The device tool's small parser (jano-device runs on the GPU machine with few options; the jano CLI itself is on System.CommandLine) for "command POSITIONAL --flag value --switch". Every value is taken at most once
/// and whatever is left unread at the end is reported, so a misspelt flag is an error, not ignored.
/// </summary>
public sealed class DeviceArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = [];
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private int _positionalsRead;

    public DeviceArguments(IEnumerable<string> args, IReadOnlySet<string> switches)
    {
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                var name = a[2..];
                string? value = null;
                var eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (!switches.Contains(name))
                {
                    if (i + 1 >= list.Count) throw new UsageException($"option --{name} needs a value");
                    value = list[++i];
                }
                if (!_options.TryAdd(name, value)) throw new UsageException($"option --{name} is given twice");
            }
            else
            {
                _positionals.Add(a);
            }
        }
    }

    public string? Positional(string what, bool required)
    {
        if (_positionalsRead < _positionals.Count) return _positionals[_positionalsRead++];
        if (required) throw new UsageException($"missing {what}");
        return null;
    }

    public bool Has(string name) { _read.Add(name); return _options.ContainsKey(name); }

    public bool Switch(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value)) return false;
        return value is null || value is "true" or "1" or "yes"
            ? true
            : value is "false" or "0" or "no" ? false : throw new UsageException($"option --{name} takes true or false, not '{value}'");
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public string RequiredString(string name) =>
        String(name) ?? throw new UsageException($"missing option --{name}");

    public int? Int(string name)
    {
        var s = String(name);
        if (s is null) return null;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v : throw new UsageException($"option --{name} must be an integer, not '{s}'");
    }

    public double? Double(string name)
    {
        var s = String(name);
        if (s is null) return null;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new UsageException($"option --{name} must be a number, not '{s}'");
    }

    /// <summary>Fails on any flag or positional nobody asked for.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option --{unknown[0]}");
        if (_positionalsRead < _positionals.Count) throw new UsageException($"unexpected argument '{_positionals[_positionalsRead]}'");
    }
}
