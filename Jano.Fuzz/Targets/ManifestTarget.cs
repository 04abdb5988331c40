using Jano.Core.Packages;
using Jano.Export;
using Jano.Export.Pipelines;

namespace Jano.Fuzz.Targets;

/// <summary>
/// jano-model.json through ModelPackage.Open: the format check, the schema, the validator, then the
/// files it names and their sizes and hashes. The folder around it is a real tiny package (a random
/// PixArt-Σ pipeline exported once per process, deterministic for its seed, so the committed corpus
/// manifest matches its files), so a mutant that keeps the file entries reaches every check.
/// </summary>
public static class ManifestTarget
{
    public static readonly FuzzTarget Target = new("manifest", "ModelPackage.Open of a tiny exported package with the fuzzed jano-model.json", Run);

    private static string? _package;

    private static void Run(byte[] input, Scratch scratch)
    {
        if (_package is null || !Directory.Exists(_package)) _package = Export(scratch); // per process; again after a scratch folder is gone (tests)
        File.WriteAllBytes(Path.Combine(_package, ModelManifest.FileName), input);
        ModelPackage.Open(_package);
    }

    /// <summary>`jano init-random --pipeline pixart-sigma --seed 0` then `jano export --pipeline`, in process.</summary>
    private static string Export(Scratch scratch)
    {
        var pipeline = Path.Combine(scratch.Folder, "pixart-sigma");
        var package = Path.Combine(scratch.Folder, "package");
        PixArtRandomPipeline.Write("pixart-sigma", pipeline, seed: 0);
        PixArtPipelineExporter.Export(pipeline, package, new ExportOptions());
        return package;
    }
}
