namespace Jano.Runtime.Decoders;

/// <summary>Decodes latents [channels, height, width] into <paramref name="image"/> [out_channels, f·height, f·width].</summary>
public delegate void TileDecoder(float[] latents, int height, int width, float[] image);

/// <summary>
/// diffusers' AutoencoderKL.tiled_decode (v0.32) without its memory: diffusers keeps every decoded tile
/// until the end; the blends only ever read the bottom rows of the tile above and the right columns of
/// the tile to the left (after their own blends), so those strips are all that is kept here, and each
/// tile's kept part goes straight into the output.
///
/// Per tile, in row-major tile order, as diffusers: blend with the tile above over
/// e = min(blend, above's height, this height) rows (row y: above[−e + y]·(1 − y/e) + this[y]·(y/e)),
/// then with the tile to the left over columns the same way, then keep the tile's top-left
/// (stride·f)² pixels (smaller at the image's right and bottom edges).
/// </summary>
public static class TiledDecoding
{
    public static float[] Decode(float[] latents, int channels, int height, int width, int outChannels, int factor, DecoderTiling tiling, TileDecoder decode)
    {
        tiling.Validate();
        int tile = tiling.TileLatents, stride = tiling.StrideLatents;
        int blend = tiling.OverlapLatents * factor, keep = stride * factor;
        int imageH = height * factor, imageW = width * factor;
        var image = new float[(long)outChannels * imageH * imageW];
        var rowStarts = tiling.Starts(height);
        var colStarts = tiling.Starts(width);

        // above[j]: the last min(blend, height) pixel rows of the tile above in column j, [out, rows, tile width].
        var above = new float[colStarts.Count][];
        var aboveRows = new int[colStarts.Count];
        float[] left = [];
        var leftCols = 0;

        for (var i = 0; i < rowStarts.Count; i++)
        {
            int r0 = rowStarts[i], th = Math.Min(tile, height - r0), ph = th * factor;
            for (var j = 0; j < colStarts.Count; j++)
            {
                int c0 = colStarts[j], tw = Math.Min(tile, width - c0), pw = tw * factor;
                var z = Crop(latents, channels, height, width, r0, c0, th, tw);
                var b = new float[(long)outChannels * ph * pw];
                decode(z, th, tw, b);

                if (i > 0)
                {
                    int e = Math.Min(aboveRows[j], ph), stripRows = aboveRows[j];
                    var a = above[j];
                    for (var y = 0; y < e; y++)
                    {
                        var (wa, wb) = Weights(y, e);
                        for (var c = 0; c < outChannels; c++)
                        {
                            var src = ((long)c * stripRows + stripRows - e + y) * pw;
                            var dst = ((long)c * ph + y) * pw;
                            for (var x = 0; x < pw; x++) b[dst + x] = a[src + x] * wa + b[dst + x] * wb;
                        }
                    }
                }
                if (j > 0)
                {
                    var e = Math.Min(leftCols, pw);
                    for (var x = 0; x < e; x++)
                    {
                        var (wa, wb) = Weights(x, e);
                        for (var c = 0; c < outChannels; c++)
                            for (var y = 0; y < ph; y++)
                            {
                                var src = ((long)c * ph + y) * leftCols + leftCols - e + x;
                                var dst = ((long)c * ph + y) * pw + x;
                                b[dst] = left[src] * wa + b[dst] * wb;
                            }
                    }
                }

                var rows = Math.Min(blend, ph);
                above[j] = Rows(b, outChannels, ph, pw, ph - rows, rows);
                aboveRows[j] = rows;
                leftCols = Math.Min(blend, pw);
                left = Columns(b, outChannels, ph, pw, pw - leftCols, leftCols);

                int keepH = Math.Min(keep, ph), keepW = Math.Min(keep, pw);
                for (var c = 0; c < outChannels; c++)
                    for (var y = 0; y < keepH; y++)
                        Array.Copy(b, ((long)c * ph + y) * pw, image, ((long)c * imageH + r0 * factor + y) * imageW + c0 * factor, keepW);
            }
        }
        return image;
    }

    /// <summary>diffusers' weights: Python doubles (1 − y/e, y/e) that PyTorch applies to float32 tensors as float32 scalars.</summary>
    private static (float A, float B) Weights(int y, int e) => ((float)(1.0 - (double)y / e), (float)((double)y / e));

    private static float[] Crop(float[] source, int channels, int height, int width, int r0, int c0, int th, int tw)
    {
        var z = new float[(long)channels * th * tw];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < th; y++)
                Array.Copy(source, ((long)c * height + r0 + y) * width + c0, z, ((long)c * th + y) * tw, tw);
        return z;
    }

    private static float[] Rows(float[] t, int channels, int h, int w, int from, int count)
    {
        var strip = new float[(long)channels * count * w];
        for (var c = 0; c < channels; c++)
            Array.Copy(t, ((long)c * h + from) * w, strip, (long)c * count * w, (long)count * w);
        return strip;
    }

    private static float[] Columns(float[] t, int channels, int h, int w, int from, int count)
    {
        var strip = new float[(long)channels * h * count];
        for (var c = 0; c < channels; c++)
            for (var y = 0; y < h; y++)
                Array.Copy(t, ((long)c * h + y) * w + from, strip, ((long)c * h + y) * count, count);
        return strip;
    }
}
