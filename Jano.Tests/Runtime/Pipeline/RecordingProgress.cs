using Jano.Runtime.Pipeline;

namespace Jano.Tests.Runtime.Pipeline;

/// <summary>
/// Collects progress reports synchronously on the reporting thread (Progress&lt;T&gt; would post them to the
/// thread pool, out of order), and runs an optional action on each, e.g. to cancel at a given step.
/// </summary>
internal sealed class RecordingProgress(Action<GenerationProgress>? onReport = null) : IProgress<GenerationProgress>
{
    private readonly List<GenerationProgress> _reports = [];

    public IReadOnlyList<GenerationProgress> Reports
    {
        get { lock (_reports) return _reports.ToList(); }
    }

    public void Report(GenerationProgress value)
    {
        lock (_reports) _reports.Add(value);
        onReport?.Invoke(value);
    }
}
