namespace Jano.Train.Training;

/// <summary>Hyper-parameters of a run (defaults: the shipped default model, see README.md); saved in the checkpoint so that --resume continues with the same ones.</summary>
public sealed record TrainOptions
{
    /// <summary>"pixart" (the default model) or "flux"; a checkpoint written before the option existed is PixArt.</summary>
    public string Family { get; init; } = Families.PixArt;
    public int Dim { get; init; } = 128;
    public int Layers { get; init; } = 6;
    /// <summary>FLUX only: double-stream (transformer_blocks) and single-stream blocks; Layers is PixArt's.</summary>
    public int DoubleLayers { get; init; } = 2;
    public int SingleLayers { get; init; } = 4;
    public int HeadDim { get; init; } = 32;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 5e-4;
    public int WarmupSteps { get; init; } = 500;
    public double EmaDecay { get; init; } = 0.999;
    public double GradClip { get; init; } = 1.0;
    public int Seed { get; init; } = 1234;
    public long MaxSteps { get; init; } = 1_000_000;
    public int LogEvery { get; init; } = 50;
    public int CheckpointEvery { get; init; } = 500;
    public int SampleEvery { get; init; } = 1000;
    public int Threads { get; init; } = 2;

    [System.Text.Json.Serialization.JsonIgnore]
    public Model.PixArtConfig ModelConfig => new(32, 2, 1, 1, Layers, Dim / HeadDim, HeadDim);

    [System.Text.Json.Serialization.JsonIgnore]
    public Model.Flux.FluxConfig FluxConfig => Model.Flux.FluxConfig.Training(Dim, HeadDim, DoubleLayers, SingleLayers);

    /// <summary>A fresh, uninitialised model of this run's family and size.</summary>
    public Model.FlowModel CreateModel() => Family switch
    {
        Families.PixArt => new Model.PixArtTransformer(ModelConfig),
        Families.Flux => new Model.Flux.FluxTransformer(FluxConfig),
        _ => throw new ArgumentException($"--family {Family}: allowed are {Families.PixArt}, {Families.Flux}"),
    };

    /// <summary>One line naming the model shape for the log.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ShapeText => Family == Families.Flux
        ? $"FLUX D={Dim} double={DoubleLayers} single={SingleLayers} H={Dim / HeadDim} rope=[{string.Join(",", FluxConfig.AxesDimsRope)}] tokens={FluxConfig.Tokens}"
        : $"PixArt D={Dim} L={Layers} H={Dim / HeadDim} tokens={ModelConfig.Tokens}";

    /// <summary>Linear warm-up, then constant: a run can be extended through resume without a schedule to stretch.</summary>
    public double LearningRateAt(long step) => LearningRate * Math.Min(1.0, (step + 1.0) / WarmupSteps);
}

/// <summary>The model families the trainer can train.</summary>
public static class Families
{
    public const string PixArt = "pixart";
    public const string Flux = "flux";
}
