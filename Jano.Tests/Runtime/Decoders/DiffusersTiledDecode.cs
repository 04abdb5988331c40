using Jano.Runtime.Decoders;

namespace Jano.Tests.Runtime.Decoders;

/// <summary>
/// A line-by-line port of diffusers' AutoencoderKL.tiled_decode (v0.32.2) in latent units: every tile
/// decoded and kept, blend_v then blend_h in place on the kept tiles, each tile cropped to row_limit,
/// rows concatenated. The oracle for <see cref="TiledDecoding"/>, which keeps only strips.
/// </summary>
internal static class DiffusersTiledDecode
{
    private sealed record Tile(float[] Data, int C, int H, int W)
    {
        public ref float At(int c, int y, int x) => ref Data[(c * H + y) * W + x];
    }

    public static float[] Decode(float[] z, int channels, int height, int width, int outChannels, int f, int tileLatents, int overlapLatents, TileDecoder decode)
    {
        var overlapSize = tileLatents - overlapLatents; // diffusers' "overlap_size" is the stride
        var blendExtent = overlapLatents * f;
        var rowLimit = tileLatents * f - blendExtent;
        var rows = new List<List<Tile>>();
        for (var i = 0; i < height; i += overlapSize)
        {
            var row = new List<Tile>();
            for (var j = 0; j < width; j += overlapSize)
            {
                int th = Math.Min(tileLatents, height - i), tw = Math.Min(tileLatents, width - j);
                var latents = new float[channels * th * tw];
                for (var c = 0; c < channels; c++)
                    for (var y = 0; y < th; y++)
                        for (var x = 0; x < tw; x++)
                            latents[(c * th + y) * tw + x] = z[(c * height + i + y) * width + j + x];
                var decoded = new float[outChannels * th * f * tw * f];
                decode(latents, th, tw, decoded);
                row.Add(new Tile(decoded, outChannels, th * f, tw * f));
            }
            rows.Add(row);
        }

        var imageH = height * f;
        var imageW = width * f;
        var image = new float[outChannels * imageH * imageW];
        var top = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var left = 0;
            var rowHeight = 0;
            for (var j = 0; j < rows[i].Count; j++)
            {
                var tile = rows[i][j];
                if (i > 0) BlendV(rows[i - 1][j], tile, blendExtent);
                if (j > 0) BlendH(rows[i][j - 1], tile, blendExtent);
                int keepH = Math.Min(rowLimit, tile.H), keepW = Math.Min(rowLimit, tile.W);
                for (var c = 0; c < outChannels; c++)
                    for (var y = 0; y < keepH; y++)
                        for (var x = 0; x < keepW; x++)
                            image[(c * imageH + top + y) * imageW + left + x] = tile.At(c, y, x);
                left += keepW;
                rowHeight = keepH;
            }
            Assert.That(left, Is.EqualTo(imageW), "torch.cat of a row is the image's width");
            top += rowHeight;
        }
        Assert.That(top, Is.EqualTo(imageH), "torch.cat of the rows is the image's height");
        return image;
    }

    private static void BlendV(Tile a, Tile b, int extent)
    {
        extent = Math.Min(Math.Min(a.H, b.H), extent);
        for (var y = 0; y < extent; y++)
            for (var c = 0; c < b.C; c++)
                for (var x = 0; x < b.W; x++)
                    b.At(c, y, x) = a.At(c, a.H - extent + y, x) * (float)(1 - (double)y / extent) + b.At(c, y, x) * (float)((double)y / extent);
    }

    private static void BlendH(Tile a, Tile b, int extent)
    {
        extent = Math.Min(Math.Min(a.W, b.W), extent);
        for (var x = 0; x < extent; x++)
            for (var c = 0; c < b.C; c++)
                for (var y = 0; y < b.H; y++)
                    b.At(c, y, x) = a.At(c, y, a.W - extent + x) * (float)(1 - (double)x / extent) + b.At(c, y, x) * (float)((double)x / extent);
    }
}
