namespace Jano.Runtime.Acceleration;

/// <summary>
/// Collects TeaCache's calibration samples from generations: for every step after the first, the
/// relative L1 change of the model input and of the guided prediction against the step before (the same
/// pairs as <see cref="TeaCacheCalibration.Samples"/>, computed as the steps go so nothing is kept per
/// step but the pair). One recorder serves many generations in turn; each starts at its step 1.
/// </summary>
public sealed class TeaCacheSampleRecorder : IStepRecorder
{
    private float[] _previousInput = [], _previousOutput = [];
    private int _lastStep;

    /// <summary>Every (input change, output change) pair recorded so far, over all generations.</summary>
    public List<(double InputChange, double OutputChange)> Samples { get; } = [];

    /// <summary>For each sample, the (1-based) step it ends at and the step count of its generation.</summary>
    public List<(int Step, int Steps)> StepsOf { get; } = [];

    public void Record(int step, int steps, ReadOnlySpan<float> modelInput, ReadOnlySpan<float> guidedPrediction)
    {
        if (step == 1)
        {
            // A new generation: the buffers take its sizes (the same for every run of one package).
            if (_previousInput.Length != modelInput.Length) _previousInput = new float[modelInput.Length];
            if (_previousOutput.Length != guidedPrediction.Length) _previousOutput = new float[guidedPrediction.Length];
        }
        else
        {
            if (step != _lastStep + 1)
                throw new InvalidOperationException($"step {step} recorded after step {_lastStep}: a recorder sees the steps of one generation in order");
            Samples.Add((TeaCacheGate.RelativeL1(modelInput, _previousInput), TeaCacheGate.RelativeL1(guidedPrediction, _previousOutput)));
            StepsOf.Add((step, steps));
        }
        modelInput.CopyTo(_previousInput);
        guidedPrediction.CopyTo(_previousOutput);
        _lastStep = step;
    }
}
