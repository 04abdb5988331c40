using Jano.Core.Acceleration;
using BenchmarkDotNet.Running;
using Jano.Kernels;

namespace Jano.Bench.Kernels;

/// <summary>
/// One analysis call as the runtime makes it for an S×S latent with C channels: k = 7 stored
/// predictions (the reference warm-up), blocks of max(2, S/16) pixels (a 16×16 grid, as
/// JanoPresets), interval k/2 = 3.
/// </summary>
public sealed class BlockDynamicsCase
{
    public const int Steps = 7;

    public BlockDynamicsCase(int size, int channels)
    {
        var block = Math.Max(2, size / 16);
        Shape = new BlockDynamicsShape(Steps, channels, 1, size, size, 1, block, block, Steps / 2);
        Predictions = new float[Shape.InputLength];
        var r = new Random(5);
        for (var i = 0; i < Predictions.Length; i++) Predictions[i] = r.NextSingle() * 2 - 1;
        Spatial = new float[Shape.Blocks];
        Temporal = new float[Shape.Blocks];
    }

    public BlockDynamicsShape Shape { get; }
    public float[] Predictions { get; }
    public float[] Spatial { get; }
    public float[] Temporal { get; }

    /// <summary>
    /// Useful FLOPs of one call: per block, the upper triangle of each step's distance matrix
    /// (P(P−1)/2 entries, 3 FLOPs per channel: subtract, multiply, add) and the change of each entry
    /// per step pair (3: subtract, abs, add). Square roots are not counted.
    /// </summary>
    public static double Flops(BlockDynamicsShape s)
    {
        double entries = s.BlockPositions * (s.BlockPositions - 1) / 2.0;
        return s.Blocks * entries * (s.Steps * 3.0 * s.Channels + s.StepPairs * 3.0);
    }

    public static double? FlopsOf(BenchmarkCase c) =>
        c.Parameters["Size"] is int size && c.Parameters["Channels"] is int channels
            ? Flops(new BlockDynamicsCase(size, channels).Shape) : null;
}
