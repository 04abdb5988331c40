namespace Jano.Runtime.Imaging;

/// <summary>
/// Closeness of two images [C, S, S] with values in [-1, 1] (mapped to [0, 1]): PSNR, and SSIM with
/// the Gaussian 11×11 window (σ = 1.5), K1 = 0.01, K2 = 0.03 of Wang et al. (2004), valid region
/// only, averaged over channels.
/// </summary>
public static class ImageMetrics
{
    public static double Psnr(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException("images differ in size or are empty");
        double mse = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double d = (Clamp(a[i]) - Clamp(b[i])) / 2.0; // in [0, 1] units
            mse += d * d;
        }
        mse /= a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(1.0 / mse);
    }

    public static double Ssim(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int channels, int height, int width)
    {
        if (a.Length != b.Length || a.Length != channels * height * width) throw new ArgumentException("images differ in size");
        const int window = 11;
        if (height < window || width < window) throw new ArgumentException($"SSIM needs images of at least {window}×{window}");
        var weights = GaussianWindow(window, 1.5);
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        double total = 0;
        var count = 0;
        for (var c = 0; c < channels; c++)
        {
            var offset = c * height * width;
            for (var y = 0; y + window <= height; y++)
                for (var x = 0; x + window <= width; x++)
                {
                    double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
                    for (var j = 0; j < window; j++)
                        for (var i = 0; i < window; i++)
                        {
                            var w = weights[j * window + i];
                            var k = offset + (y + j) * width + x + i;
                            double va = (Clamp(a[k]) + 1) / 2, vb = (Clamp(b[k]) + 1) / 2;
                            ma += w * va; mb += w * vb;
                            saa += w * va * va; sbb += w * vb * vb; sab += w * va * vb;
                        }
                    double varA = saa - ma * ma, varB = sbb - mb * mb, cov = sab - ma * mb;
                    total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (varA + varB + c2));
                    count++;
                }
        }
        return total / count;
    }

    private static double Clamp(float v) => Math.Clamp((double)v, -1.0, 1.0);

    private static double[] GaussianWindow(int size, double sigma)
    {
        var w = new double[size * size];
        double sum = 0;
        var half = size / 2;
        for (var j = 0; j < size; j++)
            for (var i = 0; i < size; i++)
            {
                var v = Math.Exp(-((i - half) * (i - half) + (j - half) * (j - half)) / (2 * sigma * sigma));
                w[j * size + i] = v;
                sum += v;
            }
        for (var k = 0; k < w.Length; k++) w[k] /= sum;
        return w;
    }
}
