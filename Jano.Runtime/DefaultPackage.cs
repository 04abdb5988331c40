namespace Jano.Runtime;

/// <summary>
/// Finds the shipped default model (onnx-models/fashion-dit) for hosts that are given no model: beside
/// the program (a published build or an installed tool carries it), then upward from the program's
/// folder and from the current folder (running from a clone).
/// </summary>
public static class DefaultPackage
{
    /// <summary>The default model's folder relative to a program folder or the repository root.</summary>
    public const string RelativePath = "onnx-models/fashion-dit";

    /// <exception cref="FileNotFoundException">No folder with a jano-model.json was found; the message says where it looked.</exception>
    public static string Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, RelativePath);
                if (File.Exists(Path.Combine(candidate, "jano-model.json"))) return candidate;
            }
        }
        throw new FileNotFoundException($"the default model ({RelativePath}) was not found beside the program or above it, nor above the current folder; name a model folder");
    }
}
