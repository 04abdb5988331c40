using Jano.Fuzz.Targets;

namespace Jano.Fuzz;

/// <summary>Every fuzzed parser, by name.</summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyList<FuzzTarget> All =
    [
        SafetensorsTarget.Target,
        ManifestTarget.Target,
        ConfigTargets.PixArt, ConfigTargets.Sd3, ConfigTargets.Flux, ConfigTargets.Clip, ConfigTargets.T5, ConfigTargets.Vae, ConfigTargets.Scheduler,
        TokenizerTargets.ClipPrompt, TokenizerTargets.T5Prompt, TokenizerTargets.T5Model, TokenizerTargets.ClipConfig,
        BatchManifestTarget.Target,
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
