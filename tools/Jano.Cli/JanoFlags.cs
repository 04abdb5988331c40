using System.CommandLine;
using Jano.Cli.CommandLine;
using Jano.Core.Acceleration;
using Jano.Core.Packages;
using Jano.Runtime.Scheduling;

namespace Jano.Cli;

/// <summary>
/// The Jano options of `jano generate` (and eval, bench): --jano, --jano-preset NAME, --dense and one option
/// per parameter. Jano is on by default when the package names a default preset; --dense switches it off.
/// A parameter option implies --jano and overrides the preset's value. Ranges are those every run needs
/// (<see cref="JanoOptions.ValueProblem"/>); what depends on the step count and size is checked once those are known.
/// </summary>
public sealed class JanoFlags
{
    public readonly Option<bool> Jano = CliOptions.Switch("--jano", "Accelerate with Jano (the package's default preset, or --jano-preset)", OptionGroups.Jano);
    public readonly Option<bool> Dense = CliOptions.Switch("--dense", "Every token at every step, no acceleration", OptionGroups.Jano);
    public readonly Option<string?> Preset = CliOptions.Text("--jano-preset", "A Jano preset of the package (`jano info` lists them; default: the package's default preset)", "NAME", OptionGroups.Jano);
    public readonly Option<int?> Warmup = CliOptions.OptionalInt("--warmup", "Dense steps whose predictions feed the analysis", 1, 10_000, OptionGroups.Jano);
    public readonly Option<int?> Cooldown = CliOptions.OptionalInt("--cooldown", "Final steps that always run dense", 0, 10_000, OptionGroups.Jano);
    public readonly Option<(int, int)?> Block = CliOptions.Size("--block", "Analysis block in latent pixels, rows x columns", "HxW", OptionGroups.Jano);
    public readonly Option<double?> TWeight = CliOptions.OptionalDouble("--t-weight", "Weight of temporal against spatial dynamics", 0, 1, OptionGroups.Jano);
    public readonly Option<double?> DStrength = CliOptions.OptionalDouble("--d-strength", "Strength of the distance term of the score", 0, double.PositiveInfinity, OptionGroups.Jano);
    public readonly Option<double?> DDistance = CliOptions.OptionalDouble("--d-distance", "Distance scale of the score, in blocks", 0, double.PositiveInfinity, OptionGroups.Jano, minExclusive: true);
    public readonly Option<double?> StaticThreshold = CliOptions.OptionalDouble("--static-threshold", "Scores up to this are static (recomputed every --static-interval steps)", 0, 1, OptionGroups.Jano);
    public readonly Option<int?> StaticInterval = CliOptions.OptionalInt("--static-interval", "Steps between refreshes of static tokens", 1, 10_000, OptionGroups.Jano);
    public readonly Option<double?> MediumThreshold = CliOptions.OptionalDouble("--medium-threshold", "Scores up to this (above static) are medium (recomputed every --medium-interval steps)", 0, 1, OptionGroups.Jano);
    public readonly Option<int?> MediumInterval = CliOptions.OptionalInt("--medium-interval", "Steps between refreshes of medium tokens", 1, 10_000, OptionGroups.Jano);

    /// <param name="withDense">False for commands that always run both (bench) or whose default is dense (eval keeps it as the explicit form).</param>
    public void AddTo(Command command, bool withDense = true)
    {
        command.Options.Add(Jano);
        if (withDense) command.Options.Add(Dense);
        foreach (var o in new Option[] { Preset, Warmup, Cooldown, Block, TWeight, DStrength, DDistance, StaticThreshold, StaticInterval, MediumThreshold, MediumInterval })
            command.Options.Add(o);
    }

    /// <summary>The values given on one command line.</summary>
    public Values Read(ParseResult parse)
    {
        var v = new Values
        {
            Jano = parse.GetValue(Jano),
            Dense = parse.GetResult(Dense) is not null && parse.GetValue(Dense), // bench has no --dense: asked only when the command has it
            Preset = parse.GetValue(Preset),
            Warmup = parse.GetValue(Warmup),
            Cooldown = parse.GetValue(Cooldown),
            Block = parse.GetValue(Block),
            TWeight = parse.GetValue(TWeight),
            DStrength = parse.GetValue(DStrength),
            DDistance = parse.GetValue(DDistance),
            StaticThreshold = parse.GetValue(StaticThreshold),
            StaticInterval = parse.GetValue(StaticInterval),
            MediumThreshold = parse.GetValue(MediumThreshold),
            MediumInterval = parse.GetValue(MediumInterval),
        };
        if (v.Dense && (v.Jano || v.Preset is not null || v.AnyParameter))
            throw new UsageException("--dense cannot be combined with Jano options");
        return v;
    }

    public sealed record Values
    {
        public bool Jano { get; init; }
        public bool Dense { get; init; }
        public string? Preset { get; init; }
        public int? Warmup { get; init; }
        public int? Cooldown { get; init; }
        public (int H, int W)? Block { get; init; }
        public double? TWeight { get; init; }
        public double? DStrength { get; init; }
        public double? DDistance { get; init; }
        public double? StaticThreshold { get; init; }
        public int? StaticInterval { get; init; }
        public double? MediumThreshold { get; init; }
        public int? MediumInterval { get; init; }

        public bool AnyParameter => Warmup.HasValue || Cooldown.HasValue || StaticInterval.HasValue || MediumInterval.HasValue
            || TWeight.HasValue || DStrength.HasValue || DDistance.HasValue || StaticThreshold.HasValue || MediumThreshold.HasValue || Block.HasValue;

        /// <summary>True when the user asked for Jano (rather than getting it as the package default).</summary>
        public bool Explicit => Jano || Preset is not null || AnyParameter;

        /// <summary>The options to run with, or null for dense. Unknown presets name the ones the package has.</summary>
        public JanoOptions? Resolve(ModelManifest manifest)
        {
            if (Dense) return null;
            var presets = manifest.JanoPresets ?? JanoPresets.For(manifest.Geometry.Height, manifest.Geometry.Width).ToDictionary(p => p.Key, p => p.Value);
            var name = Preset ?? manifest.DefaultJanoPreset;
            if (name is null)
                return Explicit ? presets[JanoPresets.Reference] : null;
            if (!presets.TryGetValue(name, out var o))
                throw Preset is not null
                    ? new UsageException($"--jano-preset '{name}' is not in this package (presets: {string.Join(", ", presets.Keys)})")
                    : new InvalidDataException($"{manifest.Name}: the manifest's defaultJanoPreset '{name}' is not among its presets ({string.Join(", ", presets.Keys)}); re-export the package");
            return o with
            {
                Warmup = Warmup ?? o.Warmup,
                Cooldown = Cooldown ?? o.Cooldown,
                StaticInterval = StaticInterval ?? o.StaticInterval,
                MediumInterval = MediumInterval ?? o.MediumInterval,
                TWeight = TWeight ?? o.TWeight,
                DStrength = DStrength ?? o.DStrength,
                DDistance = DDistance ?? o.DDistance,
                StaticThreshold = StaticThreshold ?? o.StaticThreshold,
                MediumThreshold = MediumThreshold ?? o.MediumThreshold,
                BlockHeight = Block?.H ?? o.BlockHeight,
                BlockWidth = Block?.W ?? o.BlockWidth,
            };
        }
    }
}
