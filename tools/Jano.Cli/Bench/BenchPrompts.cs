using Jano.Eval;

namespace Jano.Cli.Bench;

/// <summary>The prompts of a benchmark: the 10 Fashion-MNIST class prompts, or one per line of a file.</summary>
public static class BenchPrompts
{
    public static IReadOnlyList<string> Default => FashionMnist.Prompts;

    /// <summary>Non-empty lines, trimmed; lines starting with '#' are comments.</summary>
    public static IReadOnlyList<string> FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: prompts file not found");
        var prompts = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        return prompts.Count > 0 ? prompts : throw new ArgumentException($"{path}: the prompts file has no prompts (one per line; '#' starts a comment)");
    }
}
