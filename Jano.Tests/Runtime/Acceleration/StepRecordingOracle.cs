using Jano.Runtime.Acceleration;

namespace Jano.Tests.Runtime.Acceleration;

/// <summary>Keeps a copy of every step's buffers, so a test can compute the TeaCache changes itself.</summary>
public sealed class CopyingRecorder : IStepRecorder
{
    public List<(int Step, int Steps, float[] Input, float[] Output)> Steps { get; } = [];

    public void Record(int step, int steps, ReadOnlySpan<float> modelInput, ReadOnlySpan<float> guidedPrediction) =>
        Steps.Add((step, steps, modelInput.ToArray(), guidedPrediction.ToArray()));
}

/// <summary>The tests' own arithmetic for the recorder's numbers: the oracle, not the code under test.</summary>
public static class StepRecordingOracle
{
    /// <summary>Σ|a − b| / Σ|b| by plain loops in double.</summary>
    public static double HandRelativeL1(float[] a, float[] b)
    {
        double diff = 0, norm = 0;
        for (var i = 0; i < a.Length; i++)
        {
            diff += Math.Abs((double)a[i] - b[i]);
            norm += Math.Abs((double)b[i]);
        }
        return diff / norm;
    }
}
