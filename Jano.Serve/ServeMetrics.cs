using Prometheus;

namespace Jano.Serve;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (so two servers in one process, as in tests,
/// count apart), all named jano_*. Label "model" is the served model's name.
/// </summary>
public sealed class ServeMetrics
{
    public ServeMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        Requests = f.CreateCounter("jano_requests_total", "Image generation requests answered, by model and HTTP status (499: the client went away).",
            new CounterConfiguration { LabelNames = ["model", "status"] });
        Images = f.CreateCounter("jano_images_total", "Images generated and returned.", new CounterConfiguration { LabelNames = ["model"] });
        Cancelled = f.CreateCounter("jano_generations_cancelled_total", "Generations stopped because their client disconnected.",
            new CounterConfiguration { LabelNames = ["model"] });
        QueueDepth = f.CreateGauge("jano_queue_depth", "Requests waiting for a pipeline.", new GaugeConfiguration { LabelNames = ["model"] });
        InProgress = f.CreateGauge("jano_generations_in_progress", "Requests generating on a pipeline now.", new GaugeConfiguration { LabelNames = ["model"] });
        ModelsLoaded = f.CreateGauge("jano_models_loaded", "Models whose pipelines are open and serving.");
        StepSeconds = f.CreateHistogram("jano_step_duration_seconds", "Time of one denoising step.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        ImageSeconds = f.CreateHistogram("jano_image_duration_seconds", "Time to generate one image (text encoding, steps, decoding).",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.01, 2, 16) });
        QueueSeconds = f.CreateHistogram("jano_queue_wait_seconds", "Time a request waited for a pipeline.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 20) });
        MeasuredSpeedup = f.CreateHistogram("jano_measured_speedup", "Jano's measured speed-up of each image against the run's own full steps (dense-equivalent time / time taken).",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 6, 8] });
        IdealSpeedup = f.CreateHistogram("jano_ideal_speedup", "The accelerator's ideal (FLOP) speed-up of each image.",
            new HistogramConfiguration { LabelNames = ["model"], Buckets = [1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4, 6, 8] });
    }

    /// <summary>The registry /metrics exposes.</summary>
    public CollectorRegistry Registry { get; }

    public Counter Requests { get; }
    public Counter Images { get; }
    public Counter Cancelled { get; }
    public Gauge QueueDepth { get; }
    public Gauge InProgress { get; }
    public Gauge ModelsLoaded { get; }
    public Histogram StepSeconds { get; }
    public Histogram ImageSeconds { get; }
    public Histogram QueueSeconds { get; }
    public Histogram MeasuredSpeedup { get; }
    public Histogram IdealSpeedup { get; }
}
