namespace Jano.Tests.Kernels;

/// <summary>Deterministic test data.</summary>
internal static class TestTensors
{
    public static float[] Uniform(int length, int seed, float amplitude = 1f)
    {
        var random = new Random(seed);
        var data = new float[length];
        for (int i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1) * amplitude;
        return data;
    }

    public static float[] Filled(int length, float value)
    {
        var data = new float[length];
        Array.Fill(data, value);
        return data;
    }

    /// <summary>A row-major [rows, width] tensor whose element (r, c) is 100·r + c (+ offset).</summary>
    public static float[] RowNumbered(int batch, int rows, int width)
    {
        var data = new float[batch * rows * width];
        for (int b = 0; b < batch; b++)
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < width; c++)
            data[(b * rows + r) * width + c] = 1000 * b + 100 * r + c;
        return data;
    }
}
