namespace Jano.Runtime.Pipeline;

/// <summary>
/// Lets one generation at a time into a pipeline. A second caller is refused at once rather than queued:
/// queueing belongs to the caller (a pool, the server's queue), which knows how long a client may wait.
/// </summary>
internal sealed class GenerationGate
{
    private int _busy;

    public Lease Enter()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("this pipeline is running a generation already: a pipeline serves one generation at a time; open one pipeline per concurrent generation (a pool) or queue the requests");
        return new Lease(this);
    }

    private void Exit() => Volatile.Write(ref _busy, 0);

    /// <summary>Held for the run; disposing it lets the next generation in.</summary>
    public readonly struct Lease(GenerationGate gate) : IDisposable
    {
        public void Dispose() => gate.Exit();
    }
}
