namespace Jano.Runtime.Schedulers;

/// <summary>
/// The few NumPy routines diffusers builds its schedules with, in float64 with NumPy's own order of
/// operations, so the schedules round to the same float32 values as diffusers' (a linspace written as
/// start + i·(stop − start)/(n − 1) differs from NumPy's in the last bit).
/// </summary>
internal static class NumpyMath
{
    /// <summary>np.linspace(start, stop, num): start + i·step with step = (stop − start)/(num − 1), the last value exactly stop.</summary>
    public static double[] Linspace(double start, double stop, int num)
    {
        if (num < 1) throw new ArgumentOutOfRangeException(nameof(num), num, "needs at least one value");
        var y = new double[num];
        if (num == 1) { y[0] = start; return y; }
        var delta = stop - start;
        var step = delta / (num - 1);
        for (var i = 0; i < num; i++)
            y[i] = step == 0 ? i / (double)(num - 1) * delta + start : i * step + start; // step == 0: NumPy's denormal branch
        y[^1] = stop;
        return y;
    }

    /// <summary>
    /// np.arange(start, stop, step) for a float step: ⌈(stop − start)/step⌉ values; NumPy stores
    /// start and start + step, then fills value i as start + i·((start + step) − start).
    /// </summary>
    public static double[] Arange(double start, double stop, double step)
    {
        var length = Math.Ceiling((stop - start) / step);
        if (!(length > 0)) return [];
        var y = new double[(int)length];
        y[0] = start;
        if (y.Length > 1) y[1] = start + step;
        var delta = (start + step) - start;
        for (var i = 2; i < y.Length; i++) y[i] = start + i * delta;
        return y;
    }

    /// <summary>np.round: halves to even.</summary>
    public static double Round(double x) => Math.Round(x, MidpointRounding.ToEven);

    /// <summary>np.interp(x, arange(len(fp)), fp): piecewise linear, constant beyond the ends.</summary>
    public static double Interp(double x, ReadOnlySpan<float> fp)
    {
        var last = fp.Length - 1;
        if (double.IsNaN(x)) return x;
        if (x <= 0) return fp[0];
        if (x >= last) return fp[last];
        var j = (int)Math.Floor(x);
        if (x == j) return fp[j];
        var slope = ((double)fp[j + 1] - fp[j]) / 1.0;
        return slope * (x - j) + fp[j];
    }
}
