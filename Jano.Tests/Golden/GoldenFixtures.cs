using Jano.Core.IO;

namespace Jano.Tests.Golden;

/// <summary>
/// The fixtures the reference implementations wrote (Jano.Tests/Fixtures/golden, by tools/golden/run.sh),
/// found from the test assembly's folder upwards, and the comparison the golden tests share.
/// </summary>
public static class GoldenFixtures
{
    public const string Root = "Jano.Tests/Fixtures/golden";

    public static string PathOf(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, Root, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{Root}/{relative} not found above {AppContext.BaseDirectory}");
    }

    public static SafetensorsFile Open(string relative) => SafetensorsFile.Open(PathOf(relative));

    /// <summary>max |a − b| over max |b|: the relative error the golden tests bound (fp32 stages: ≤ 1e-4).</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), "length");
        double worst = 0, scale = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(actual[i] - (double)expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        return worst / Math.Max(scale, 1e-30);
    }
}
