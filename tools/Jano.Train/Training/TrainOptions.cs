namespace Jano.Train.Training;

/// <summary>Hyper-parameters of a run (defaults: the shipped default model, see README.md); saved in the checkpoint so that --resume continues with the same ones.</summary>
public sealed record TrainOptions
{
    public int Dim { get; init; } = 128;
    public int Layers { get; init; } = 6;
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

    /// <summary>Linear warm-up, then constant: a run can be extended through resume without a schedule to stretch.</summary>
    public double LearningRateAt(long step) => LearningRate * Math.Min(1.0, (step + 1.0) / WarmupSteps);
}
