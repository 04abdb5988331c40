namespace Jano.Device;

/// <summary>"--name value" options of one subcommand; unknown names are an error.</summary>
internal sealed class DeviceArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public DeviceArgs(string[] args)
    {
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value' pairs, got '{args[i]}'");
            _values[args[i][2..]] = args[i + 1];
        }
    }

    public string? String(string name) => _values.Remove(name, out var v) ? v : null;

    public string Required(string name) => String(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) =>
        String(name) is { } v ? int.TryParse(v, out var i) && i > 0 ? i : throw new ArgumentException($"--{name}: '{v}' is not a positive integer") : fallback;

    public void RejectUnknown()
    {
        if (_values.Count > 0) throw new ArgumentException($"unknown option --{_values.Keys.First()}");
    }
}
