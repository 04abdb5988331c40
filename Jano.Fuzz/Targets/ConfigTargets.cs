using Jano.Export;
using Jano.Export.Encoders.Clip;
using Jano.Export.Encoders.T5;
using Jano.Export.Flux;
using Jano.Export.PixArt;
using Jano.Export.Sd3;
using Jano.Export.Vae;

namespace Jano.Fuzz.Targets;

/// <summary>The config.json readers of every component the exporter takes, each through its public Load (file → object → fields).</summary>
public static class ConfigTargets
{
    public static readonly FuzzTarget PixArt = Config("config-pixart", "PixArtConfig.Load (PixArtTransformer2DModel)", p => PixArtConfig.Load(p));
    public static readonly FuzzTarget Sd3 = Config("config-sd3", "Sd3Config.Load (SD3Transformer2DModel)", p => Sd3Config.Load(p));
    public static readonly FuzzTarget Flux = Config("config-flux", "FluxConfig.Load (FluxTransformer2DModel)", p => FluxConfig.Load(p));
    public static readonly FuzzTarget Clip = Config("config-clip", "ClipTextConfig.Load (CLIPTextModel / WithProjection)", p => ClipTextConfig.Load(p));
    public static readonly FuzzTarget T5 = Config("config-t5", "T5Config.Load (T5EncoderModel)", p => T5Config.Load(p));
    public static readonly FuzzTarget Vae = Config("config-vae", "AutoencoderKlConfig.Load (AutoencoderKL)", p => AutoencoderKlConfig.Load(p));

    /// <summary>scheduler_config.json as the exporter resolves it beside a transformer folder (class, options, what the runtime can run).</summary>
    public static readonly FuzzTarget Scheduler = new("config-scheduler", "the exporter's scheduler resolution from scheduler/scheduler_config.json", (input, scratch) =>
    {
        var root = scratch.EmptyFolder("pipeline");
        Directory.CreateDirectory(Path.Combine(root, "transformer"));
        scratch.Write(Path.Combine("pipeline", "scheduler", "scheduler_config.json"), input);
        SchedulerConfigReader.Resolve(Path.Combine(root, "transformer"), new ExportOptions(), learnedSigma: false, log: null);
    });

    private static FuzzTarget Config(string name, string description, Action<string> load) =>
        new(name, description, (input, scratch) => load(scratch.Write("config.json", input)));
}
