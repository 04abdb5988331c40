namespace Jano.Tests;

/// <summary>Deterministic random inputs and comparison helpers shared by tests.</summary>
public static class TestData
{
    /// <summary>The clone's root (the folder holding Jano.slnx), found upward from the test assembly.</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Jano.slnx"))) return dir.FullName;
            throw new DirectoryNotFoundException($"Jano.slnx not found above {AppContext.BaseDirectory}");
        }
    }

    public static float[] Normal(int count, int seed, double std = 1.0)
    {
        var r = new Random(seed);
        var a = new float[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - r.NextDouble();
            var u2 = r.NextDouble();
            a[i] = (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2) * std);
        }
        return a;
    }

    public static double[] ToDouble(float[] a) => a.Select(v => (double)v).ToArray();

    public static double MaxAbsDiff(IReadOnlyList<float> a, IReadOnlyList<double> b)
    {
        Assert.That(a.Count, Is.EqualTo(b.Count), "length");
        double m = 0;
        for (var i = 0; i < a.Count; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    public static double MaxAbsDiff(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        Assert.That(a.Count, Is.EqualTo(b.Count), "length");
        double m = 0;
        for (var i = 0; i < a.Count; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    /// <summary>Concatenates per-item arrays into one batch array.</summary>
    public static double[] Concat(params double[][] items) => items.SelectMany(x => x).ToArray();
}
