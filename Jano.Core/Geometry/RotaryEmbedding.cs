namespace Jano.Core.Geometry;

/// <summary>
/// FLUX's rotary position embedding (diffusers' FluxPosEmbed): each token has integer ids on three axes
/// (frame, row, column; text tokens all zero, image tokens (0, row, col) of the packed grid), and axis i
/// rotates AxesDims[i] channels of every head by angles id·θ^(−2k/d_i), k &lt; d_i/2. The table of a
/// token is [cos | sin], each head_dim wide with every value repeated for its channel pair
/// (repeat_interleave_real), axes concatenated in order. Frequencies and angles are float64 and the
/// table float32, as diffusers computes it (freqs_dtype float64 off MPS).
/// </summary>
public sealed record RotaryEmbedding(double Theta, IReadOnlyList<int> AxesDims)
{
    /// <summary>FLUX.1's θ.</summary>
    public const double FluxTheta = 10000.0;

    /// <summary>Channels rotated per head: the sum of the axes.</summary>
    public int HeadDim => AxesDims.Sum();

    /// <summary>Values per token: cos and sin of every head channel.</summary>
    public int Width => 2 * HeadDim;

    /// <summary>Why this embedding cannot rotate heads of <paramref name="headDim"/> channels, or null when it can.</summary>
    public string? Problem(int headDim)
    {
        if (!(Theta > 0) || !double.IsFinite(Theta)) return $"theta must be a positive number, found {Theta}";
        if (AxesDims.Count != 3) return $"has {AxesDims.Count} axes; FLUX's ids have 3 (frame, row, column)";
        if (AxesDims.Any(a => a <= 0 || a % 2 != 0)) return $"axes [{string.Join(", ", AxesDims)}] must all be positive and even (each rotates channel pairs)";
        if (HeadDim != headDim) return $"axes [{string.Join(", ", AxesDims)}] sum to {HeadDim}, but the attention heads have {headDim} channels";
        return null;
    }

    /// <summary>The table [ids, 2·head_dim] for explicit ids [count, 3] (row-major).</summary>
    public float[] Table(ReadOnlySpan<float> ids)
    {
        if (ids.Length % 3 != 0) throw new ArgumentException($"ids hold {ids.Length} values, not a multiple of 3 axes");
        int count = ids.Length / 3, hd = HeadDim, width = Width;
        var freqs = Frequencies();
        var table = new float[count * width];
        for (var t = 0; t < count; t++)
        {
            var row = table.AsSpan(t * width, width);
            var channel = 0;
            for (var axis = 0; axis < 3; axis++)
            {
                double pos = ids[t * 3 + axis];
                foreach (var f in freqs[axis])
                {
                    var angle = pos * f;
                    float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
                    row[channel] = row[channel + 1] = c;
                    row[hd + channel] = row[hd + channel + 1] = s;
                    channel += 2;
                }
            }
        }
        return table;
    }

    /// <summary>The table of a packed image grid in row-major token order: ids (0, row, col).</summary>
    public float[] ImageTable(int gridHeight, int gridWidth)
    {
        var ids = new float[gridHeight * gridWidth * 3];
        for (var r = 0; r < gridHeight; r++)
            for (var c = 0; c < gridWidth; c++)
            {
                var t = r * gridWidth + c;
                ids[t * 3 + 1] = r;
                ids[t * 3 + 2] = c;
            }
        return Table(ids);
    }

    /// <summary>Per axis: 1 / θ^(2k/d), k &lt; d/2, in float64 as torch's arange(0, d, 2, float64) / d.</summary>
    private double[][] Frequencies() => AxesDims.Select(d =>
        Enumerable.Range(0, d / 2).Select(k => 1.0 / Math.Pow(Theta, 2.0 * k / d)).ToArray()).ToArray();
}
