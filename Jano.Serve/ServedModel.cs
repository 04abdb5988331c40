using System.Diagnostics;
using System.Threading.Channels;
using Jano.Core.Packages;
using Jano.Runtime;
using Jano.Runtime.Pipeline;

namespace Jano.Serve;

/// <summary>
/// One served model: its package, <see cref="ServeOptions.Concurrency"/> pipelines (a pipeline serves one
/// generation at a time), and the bounded queue in front of them. Admission counts waiting and running
/// requests together, so at most concurrency + queue length requests are held; waiting ones take the next
/// free pipeline in arrival order.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly Channel<TextToImagePipeline> _free = Channel.CreateUnbounded<TextToImagePipeline>();
    private readonly List<TextToImagePipeline> _pipelines = [];
    private readonly int _capacity;
    private readonly ServeMetrics _metrics;
    private int _admitted;
    private long _imageTicks, _images;

    public ServedModel(ModelPackage package, ServeOptions options, ServeMetrics metrics)
    {
        Package = package;
        Options = options;
        _capacity = options.Concurrency + options.QueueLength;
        _metrics = metrics;
        // Children resolved once: observing them on every step allocates nothing.
        StepSeconds = metrics.StepSeconds.WithLabels(Name);
        QueueDepth = metrics.QueueDepth.WithLabels(Name);
        InProgress = metrics.InProgress.WithLabels(Name);
        ImageSeconds = metrics.ImageSeconds.WithLabels(Name);
        MeasuredSpeedup = metrics.MeasuredSpeedup.WithLabels(Name);
        IdealSpeedup = metrics.IdealSpeedup.WithLabels(Name);
        QueueDepth.Set(0);
        InProgress.Set(0);
    }

    public ModelPackage Package { get; }
    public ServeOptions Options { get; }
    public string Name => Package.Manifest.Name;
    public string Folder => Package.Folder;
    public bool Loaded { get; private set; }
    public Prometheus.Histogram.Child StepSeconds { get; }
    public Prometheus.Gauge.Child QueueDepth { get; }
    public Prometheus.Gauge.Child InProgress { get; }
    public Prometheus.Histogram.Child ImageSeconds { get; }
    public Prometheus.Histogram.Child MeasuredSpeedup { get; }
    public Prometheus.Histogram.Child IdealSpeedup { get; }

    /// <summary>A pipeline to validate requests against: size and preset checks read the package only, so any one of them will do.</summary>
    public TextToImagePipeline Template => Loaded ? _pipelines[0] : throw new InvalidOperationException($"model {Name} is not loaded yet");

    /// <summary>Opens the pipelines (the slow part of start-up: ONNX Runtime sessions for every stage).</summary>
    public void Load(CancellationToken cancel)
    {
        var runtime = new RuntimeOptions { Provider = Options.Provider, Threads = Options.ThreadsPerPipeline };
        for (var i = 0; i < Options.Concurrency; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var pipeline = TextToImagePipeline.Open(Package.Folder, runtime);
            _pipelines.Add(pipeline);
            _free.Writer.TryWrite(pipeline);
        }
        Loaded = true;
    }

    /// <summary>Takes a place in the queue, or returns false when it is full (the caller answers 429).</summary>
    public bool TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > _capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return false;
        }
        QueueDepth.Inc();
        return true;
    }

    /// <summary>
    /// Waits, in arrival order, for a free pipeline for an admitted request; cancelling gives up the place.
    /// The lease returns the pipeline and the place when disposed.
    /// </summary>
    public async Task<Lease> WaitForPipelineAsync(CancellationToken cancel)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var pipeline = await _free.Reader.ReadAsync(cancel).ConfigureAwait(false);
            QueueDepth.Dec();
            InProgress.Inc();
            _metrics.QueueSeconds.WithLabels(Name).Observe(Stopwatch.GetElapsedTime(start).TotalSeconds);
            return new Lease(this, pipeline, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        catch
        {
            QueueDepth.Dec();
            Interlocked.Decrement(ref _admitted);
            throw;
        }
    }

    private void Return(TextToImagePipeline pipeline)
    {
        InProgress.Dec();
        _free.Writer.TryWrite(pipeline);
        Interlocked.Decrement(ref _admitted);
    }

    /// <summary>Records one generated image's time, for <see cref="RetryAfterSeconds"/>.</summary>
    public void RecordImage(TimeSpan elapsed)
    {
        Interlocked.Add(ref _imageTicks, elapsed.Ticks);
        Interlocked.Increment(ref _images);
    }

    /// <summary>
    /// Seconds a refused client should wait: the requests held now times the mean image time, over the
    /// pipelines that work them off; at least 1.
    /// </summary>
    public int RetryAfterSeconds
    {
        get
        {
            var images = Interlocked.Read(ref _images);
            var mean = images == 0 ? 1.0 : TimeSpan.FromTicks(Interlocked.Read(ref _imageTicks) / images).TotalSeconds;
            var held = Volatile.Read(ref _admitted);
            return (int)Math.Clamp(Math.Ceiling(mean * held / Options.Concurrency), 1, 3600);
        }
    }

    public void Dispose()
    {
        foreach (var p in _pipelines) p.Dispose();
    }

    /// <summary>A pipeline held for one request.</summary>
    public sealed class Lease(ServedModel model, TextToImagePipeline pipeline, double waitedMs) : IDisposable
    {
        private int _disposed;
        public TextToImagePipeline Pipeline => pipeline;
        public double WaitedMs => waitedMs;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) model.Return(pipeline);
        }
    }
}
