using Jano.Core.Acceleration;
using System.Globalization;
using Jano.Core.Packages;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>
/// The Jano flags of `jano generate`: --jano, --jano-preset NAME, --dense and one flag per parameter.
/// Jano is on by default when the package names a default preset; --dense switches it off. A
/// parameter flag implies --jano and overrides the preset's value.
/// </summary>
public sealed class JanoFlags
{
    public static readonly IReadOnlySet<string> SwitchNames = new HashSet<string> { "jano", "dense" };

    private bool _jano, _dense;
    private string? _preset;
    private int? _warmup, _cooldown, _staticInterval, _mediumInterval;
    private double? _tWeight, _dStrength, _dDistance, _staticThreshold, _mediumThreshold;
    private (int H, int W)? _block;

    public static JanoFlags Read(CliArguments args)
    {
        var f = new JanoFlags
        {
            _jano = args.Switch("jano"),
            _dense = args.Switch("dense"),
            _preset = args.String("jano-preset"),
            _warmup = args.Int("warmup"),
            _cooldown = args.Int("cooldown"),
            _staticInterval = args.Int("static-interval"),
            _mediumInterval = args.Int("medium-interval"),
            _tWeight = args.Double("t-weight"),
            _dStrength = args.Double("d-strength"),
            _dDistance = args.Double("d-distance"),
            _staticThreshold = args.Double("static-threshold"),
            _mediumThreshold = args.Double("medium-threshold"),
        };
        if (args.String("block") is { } block)
        {
            var parts = block.Split('x', 'X');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var h)
                || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var w))
                throw new UsageException($"--block must look like 2x2 (latent pixels, rows x columns), got '{block}'");
            f._block = (h, w);
        }
        var anyParameter = f._warmup.HasValue || f._cooldown.HasValue || f._staticInterval.HasValue || f._mediumInterval.HasValue
            || f._tWeight.HasValue || f._dStrength.HasValue || f._dDistance.HasValue || f._staticThreshold.HasValue
            || f._mediumThreshold.HasValue || f._block.HasValue;
        if (f._dense && (f._jano || f._preset is not null || anyParameter))
            throw new UsageException("--dense cannot be combined with Jano options");
        f.Explicit = f._jano || f._preset is not null || anyParameter;
        return f;
    }

    /// <summary>True when the user asked for Jano (rather than getting it as the package default).</summary>
    public bool Explicit { get; private set; }

    /// <summary>The options to run with, or null for dense. Unknown presets name the ones the package has.</summary>
    public JanoOptions? Resolve(ModelManifest manifest)
    {
        if (_dense) return null;
        var presets = manifest.JanoPresets ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width).ToDictionary(p => p.Key, p => p.Value);
        var name = _preset ?? manifest.DefaultJanoPreset;
        if (name is null)
            return Explicit ? presets[JanoPresets.Reference] : null;
        if (!presets.TryGetValue(name, out var o))
            throw new UsageException($"--jano-preset '{name}' is not in this package (presets: {string.Join(", ", presets.Keys)})");
        return o with
        {
            Warmup = _warmup ?? o.Warmup,
            Cooldown = _cooldown ?? o.Cooldown,
            StaticInterval = _staticInterval ?? o.StaticInterval,
            MediumInterval = _mediumInterval ?? o.MediumInterval,
            TWeight = _tWeight ?? o.TWeight,
            DStrength = _dStrength ?? o.DStrength,
            DDistance = _dDistance ?? o.DDistance,
            StaticThreshold = _staticThreshold ?? o.StaticThreshold,
            MediumThreshold = _mediumThreshold ?? o.MediumThreshold,
            BlockHeight = _block?.H ?? o.BlockHeight,
            BlockWidth = _block?.W ?? o.BlockWidth,
        };
    }

    public const string Usage = "[--jano | --dense] [--jano-preset NAME] [--warmup N] [--cooldown N] [--block HxW] [--t-weight X] [--d-strength X] [--d-distance X] [--static-threshold X] [--static-interval N] [--medium-threshold X] [--medium-interval N] [--save-maps DIR] [--compare-dense]";
}
