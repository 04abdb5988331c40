using System.Runtime.CompilerServices;

namespace Jano.Runtime.Pipeline;

public sealed partial class TextToImagePipeline
{
    private readonly GenerationGate _gate = new();

    /// <summary>
    /// Generates one image on a thread of its own (the work is CPU- or GPU-bound for seconds, so it does
    /// not occupy a thread-pool thread) and reports progress when each stage begins and after every step.
    /// </summary>
    /// <remarks>
    /// <paramref name="cancellationToken"/> is checked between stages and before every denoising step; a
    /// cancelled run ends with <see cref="OperationCanceledException"/> (the task is Canceled) within one
    /// step, and the pipeline can generate again at once: the next run's image equals a fresh pipeline's.
    /// One generation at a time per pipeline (see the class remarks); a call while another runs throws
    /// <see cref="InvalidOperationException"/> before any work starts.
    /// Progress is reported on the generating thread; a <see cref="Progress{T}"/> made on a UI thread posts it there.
    /// </remarks>
    /// <exception cref="ArgumentException">The request is invalid for this package; the message names the field.</exception>
    public Task<GenerationResult> GenerateAsync(GenerationRequest request, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<GenerationResult>(cancellationToken);
        var lease = _gate.Enter();
        return RunLeased(lease, request, index: 0, progress, cancellationToken);
    }

    /// <summary>
    /// Generates the requests one after another, yielding each result as it is ready. Every request is
    /// validated against the package before the first one runs, so a bad item fails the batch at once,
    /// its message starting with "request N" (0-based). Cancellation and thread-safety as
    /// <see cref="GenerateAsync"/>; progress reports carry the request's index.
    /// </summary>
    public async IAsyncEnumerable<GenerationResult> GenerateManyAsync(IEnumerable<GenerationRequest> requests,
        IProgress<GenerationProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var list = requests.ToList();
        for (var i = 0; i < list.Count; i++) ValidateForPackage(list[i], i);
        for (var i = 0; i < list.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lease = _gate.Enter();
            yield return await RunLeased(lease, list[i], i, progress, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>What can be checked before a run: the request's own fields, then its size against this package.</summary>
    private void ValidateForPackage(GenerationRequest? request, int index)
    {
        if (request is null) throw new ArgumentException($"request {index} is null");
        try
        {
            request.Validate();
            GeometryFor(request);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"request {index}: {e.Message}", e);
        }
    }

    private async Task<GenerationResult> RunLeased(GenerationGate.Lease lease, GenerationRequest request, int index,
        IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        using (lease)
        {
            // Closures made once per run; the per-step report itself is a struct passed through them.
            Action<StepReport>? onStep = progress is null ? null
                : r => progress.Report(new GenerationProgress(index, GenerationStage.Denoising, r.Step, r.Steps, r.Tokens, r.StepMs));
            Action<GenerationStage, int>? onStage = progress is null ? null
                : (stage, steps) => progress.Report(new GenerationProgress(index, stage, stage == GenerationStage.Decoding ? steps : 0, steps, 0, 0));
            // Started with CancellationToken.None so the delegate always runs and the lease is released
            // here, after the run; the token is watched inside, between steps.
            var result = await Task.Factory.StartNew(() => GenerateCore(request, onStep, onStage, cancellationToken),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
            progress?.Report(new GenerationProgress(index, GenerationStage.Completed, result.Steps, result.Steps, 0, 0));
            return result;
        }
    }
}
