using static TorchSharp.torch;

namespace Jano.Train.Model.Flux;

/// <summary>
/// FLUX's rotary position embedding (diffusers FluxPosEmbed + apply_rotary_emb). Every token has an id
/// triple (frame, row, column); text tokens are (0, 0, 0) and image token (r, c) is (0, r, c), as
/// FluxPipeline._prepare_latent_image_ids makes them. Axis i gets axes_dims_rope[i] channels of the head:
/// frequencies θ^(−2k/dᵢ), each cos/sin repeated twice (repeat_interleave_real), so channel pair
/// (2j, 2j+1) is rotated as one complex number.
/// </summary>
public static class FluxRope
{
    /// <summary>
    /// cos and sin tables [N, head_dim] for the given ids [N, 3], computed in double (diffusers uses
    /// float64 frequencies) and rounded to float32 as it does.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(float[,] ids, int[] axesDims)
    {
        int n = ids.GetLength(0), width = axesDims.Sum();
        var cos = new float[n * width];
        var sin = new float[n * width];
        for (int t = 0; t < n; t++)
        {
            int channel = 0;
            for (int axis = 0; axis < axesDims.Length; axis++)
            {
                int dim = axesDims[axis];
                for (int k = 0; k < dim / 2; k++)
                {
                    double freq = 1.0 / Math.Pow(FluxConfig.RopeTheta, 2.0 * k / dim);
                    double angle = ids[t, axis] * freq;
                    float c = (float)Math.Cos(angle), s = (float)Math.Sin(angle);
                    cos[t * width + channel] = cos[t * width + channel + 1] = c;
                    sin[t * width + channel] = sin[t * width + channel + 1] = s;
                    channel += 2;
                }
            }
        }
        return (tensor(cos, [n, width]), tensor(sin, [n, width]));
    }

    /// <summary>Ids of a text sequence of <paramref name="textTokens"/> followed by a grid×grid image in row-major order.</summary>
    public static float[,] Ids(int textTokens, int gridH, int gridW)
    {
        var ids = new float[textTokens + gridH * gridW, 3];
        for (int r = 0; r < gridH; r++)
        for (int c = 0; c < gridW; c++)
        {
            ids[textTokens + r * gridW + c, 1] = r;
            ids[textTokens + r * gridW + c, 2] = c;
        }
        return ids;
    }

    /// <summary>x [B, H, N, hd] rotated: out = x·cos + rot(x)·sin with rot(x)[2j] = −x[2j+1], rot(x)[2j+1] = x[2j].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var pairs = x.reshape([.. x.shape[..^1], -1, 2]).unbind(-1);
        var rotated = stack([-pairs[1], pairs[0]], dim: -1).flatten(3);
        return (x * cos + rotated * sin).MoveToOuterDisposeScope();
    }
}
