using static TorchSharp.torch;

namespace Jano.Train.Model.Flux;

/// <summary>
/// FluxPipeline's 2×2 packing: image [B, C, H, W] ↔ tokens [B, (H/2)·(W/2), 4C], token (r, c) in
/// row-major order, channel index c·4 + dy·2 + dx (_pack_latents / _unpack_latents).
/// </summary>
public static class FluxPacking
{
    public static Tensor Pack(Tensor x)
    {
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        using var grid = x.view(b, c, h / 2, 2, w / 2, 2).permute(0, 2, 4, 1, 3, 5);
        return grid.reshape(b, h / 2 * (w / 2), c * 4);
    }

    public static Tensor Unpack(Tensor tokens, int channels, int h, int w)
    {
        long b = tokens.shape[0];
        using var grid = tokens.view(b, h / 2, w / 2, channels, 2, 2).permute(0, 3, 1, 4, 2, 5);
        return grid.reshape(b, channels, h, w);
    }
}
