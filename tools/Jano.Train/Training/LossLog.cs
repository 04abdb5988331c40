using System.Globalization;

namespace Jano.Train.Training;

/// <summary>Appends step, mean loss, learning rate and throughput to a CSV (for the loss curve), one line per log interval.</summary>
public sealed class LossLog(string path)
{
    public void Append(long step, double loss, double lr, double samplesPerSecond, double elapsedSeconds)
    {
        if (!File.Exists(path))
            File.WriteAllText(path, "step,loss,lr,samples_per_s,elapsed_s\n");
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture,
            $"{step},{loss:F6},{lr:G4},{samplesPerSecond:F2},{elapsedSeconds:F0}\n"));
    }
}
