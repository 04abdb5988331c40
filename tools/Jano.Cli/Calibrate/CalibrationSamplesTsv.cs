using System.Globalization;
using System.Text;
using Jano.Core.IO;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Calibrate;

/// <summary>The recorded calibration samples as a table (to plot the fit against them, or refit elsewhere), written atomically.</summary>
public static class CalibrationSamplesTsv
{
    public const string Header = "step\tsteps\tinput_change\toutput_change";

    public static void Write(string path, TeaCacheSampleRecorder recorder)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < recorder.Samples.Count; i++)
        {
            var (step, steps) = recorder.StepsOf[i];
            var (x, y) = recorder.Samples[i];
            s.Append(inv, $"{step}\t{steps}\t{x:R}\t{y:R}\n");
        }
        AtomicFile.WriteAllText(path, s.ToString());
    }
}
