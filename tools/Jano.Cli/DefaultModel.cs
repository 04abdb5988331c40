namespace Jano.Cli;

/// <summary>
/// Finds the shipped default model (onnx-models/fashion-dit) when no --model is given: next to the
/// program (a published build carries it), then upward from the current folder and from the program
/// folder (running from a clone).
/// </summary>
public static class DefaultModel
{
    public const string RelativePath = "onnx-models/fashion-dit";

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
        throw new FileNotFoundException($"the default model ({RelativePath}) was not found next to the program or above the current folder; pass --model DIR");
    }
}
