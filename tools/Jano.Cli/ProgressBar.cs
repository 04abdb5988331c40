namespace Jano.Cli;

/// <summary>A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal.</summary>
public sealed class ProgressBar(TextWriter stderr, bool interactive)
{
    public void Update(string label, int done, int total, double msPerStep)
    {
        if (!interactive) return;
        const int width = 30;
        var filled = total == 0 ? width : done * width / total;
        stderr.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} {msPerStep,7:F1} ms/step");
        if (done == total) stderr.WriteLine();
    }
}
