using TorchSharp;
using static TorchSharp.torch;

namespace Jano.Train.Model;

/// <summary>The fixed sinusoidal tables of PixArt (diffusers' formulas; nothing here is learned or saved).</summary>
public static class SinCos
{
    public const int TimestepChannels = 256;

    /// <summary>
    /// diffusers get_timestep_embedding(t, 256, flip_sin_to_cos=True, downscale_freq_shift=0):
    /// freqs = exp(−ln(10000)·k/128), k = 0..127; result [cos(t·freqs), sin(t·freqs)], [B, 256].
    /// </summary>
    public static Tensor Timestep(Tensor t)
    {
        const int half = TimestepChannels / 2;
        using var k = arange(half, dtype: float32, device: t.device);
        using var freqs = exp(k * (-Math.Log(10000.0) / half));
        using var args = t.to_type(float32).unsqueeze(1) * freqs.unsqueeze(0);
        return cat([cos(args), sin(args)], dim: 1);
    }

    /// <summary>
    /// diffusers get_2d_sincos_pos_embed(dim, grid, base_size, interpolation_scale) as [grid², dim], rows
    /// in row-major (h, w) token order. The first dim/2 channels encode the column (w) coordinate and the
    /// last dim/2 the row (h), because diffusers builds its grid with numpy's meshgrid(grid_w, grid_h).
    /// Computed in double like numpy, then rounded to float32.
    /// </summary>
    public static Tensor PositionTable(int dim, int grid, double baseSize, double interpolationScale)
    {
        var table = new float[grid * grid * dim];
        int quarter = dim / 4; // each half is itself [sin | cos] of dim/4 frequencies
        for (int h = 0; h < grid; h++)
        for (int w = 0; w < grid; w++)
        {
            double posW = w / (grid / baseSize) / interpolationScale;
            double posH = h / (grid / baseSize) / interpolationScale;
            int row = (h * grid + w) * dim;
            for (int k = 0; k < quarter; k++)
            {
                double omega = 1.0 / Math.Pow(10000.0, k / (double)quarter);
                table[row + k] = (float)Math.Sin(posW * omega);
                table[row + quarter + k] = (float)Math.Cos(posW * omega);
                table[row + 2 * quarter + k] = (float)Math.Sin(posH * omega);
                table[row + 3 * quarter + k] = (float)Math.Cos(posH * omega);
            }
        }
        return tensor(table, [grid * grid, dim]);
    }
}
