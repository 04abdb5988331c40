using Jano.Eval;
using Jano.Runtime.Pipeline;

namespace Jano.Cli.Bench;

/// <summary>The prompts of a benchmark: the 10 Fashion-MNIST class prompts, or one per line of a file.</summary>
public static class BenchPrompts
{
    public static IReadOnlyList<string> Default => FashionMnist.Prompts;

    /// <summary>A prompt and the line of the file it came from (0 for the built-in prompts).</summary>
    public readonly record struct Line(int Number, string Text);

    /// <summary>The option naming a prompts file, as bench (--prompts-file), calibrate and tune (--prompts) take it.</summary>
    public static System.CommandLine.Option<string?> Option(string name) =>
        CommandLine.CliOptions.Text(name, "Prompts, one per line ('#' comments; default: the 10 Fashion-MNIST class prompts)", "FILE", CommandLine.OptionGroups.Input);

    /// <summary>The file's prompts, or the built-in ones (line 0) when no file is given.</summary>
    public static IReadOnlyList<Line> Load(string? path) =>
        path is null ? Default.Select(p => new Line(0, p)).ToList() : FromFile(path);

    /// <summary>Non-empty lines, trimmed; lines starting with '#' are comments.</summary>
    public static IReadOnlyList<Line> FromFile(string path)
    {
        if (Directory.Exists(path)) throw new IOException($"{path}: --prompts-file names a folder; give a text file with one prompt per line");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: prompts file not found");
        var prompts = File.ReadAllLines(path).Select((l, i) => new Line(i + 1, l.Trim())).Where(l => l.Text.Length > 0 && !l.Text.StartsWith('#')).ToList();
        return prompts.Count > 0 ? prompts : throw new ArgumentException($"{path}: the prompts file has no prompts (one per line; '#' starts a comment)");
    }

    /// <summary>
    /// Every prompt through the package's text encoder before the first image runs, so a prompt the encoder
    /// refuses (too long) is reported with its file and line instead of after earlier items ran. The encoders
    /// cache per prompt, so the benchmark's own encodes are not repeated work.
    /// </summary>
    public static void CheckAll(TextToImagePipeline pipeline, IReadOnlyList<Line> prompts, string? path)
    {
        if (pipeline.Text is not { } encoder) return;
        foreach (var p in prompts)
        {
            try { encoder.Encode(p.Text); }
            catch (ArgumentException e)
            {
                throw new UsageException(path is null ? e.Message : $"{path}:{p.Number}: {e.Message}");
            }
        }
    }
}
