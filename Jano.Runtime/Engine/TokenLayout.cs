using Jano.Core.Geometry;

namespace Jano.Runtime.Engine;

/// <summary>
/// Moves values between the image layout [C, H, W] and token rows [n, p·p·C] (patch values ordered
/// row-in-patch, column-in-patch, channel — the order the exported graphs use), in scheduling order:
/// row r holds token order[r]; tokens are row-major over the patch grid.
/// </summary>
public sealed class TokenLayout
{
    private readonly int _patch, _gridWidth, _height, _width;

    public TokenLayout(LatentGeometry geometry) : this(geometry.Height, geometry.Width, geometry.PatchSize) { }

    public TokenLayout(int height, int width, int patchSize)
    {
        _patch = patchSize;
        _height = height;
        _width = width;
        _gridWidth = width / patchSize;
        Tokens = height / patchSize * _gridWidth;
    }

    public int Tokens { get; }

    /// <summary>Rows [0, count) of <paramref name="patches"/> ← patches of tokens order[0..count) of the image.</summary>
    public void Gather(ReadOnlySpan<float> image, int channels, ReadOnlySpan<int> order, int count, Span<float> patches)
    {
        int p = _patch, width = p * p * channels;
        for (var r = 0; r < count; r++)
        {
            var token = order[r];
            int row = token / _gridWidth, col = token % _gridWidth;
            var dst = patches.Slice(r * width, width);
            for (var i = 0; i < p; i++)
                for (var j = 0; j < p; j++)
                    for (var c = 0; c < channels; c++)
                        dst[(i * p + j) * channels + c] = image[(c * _height + row * p + i) * _width + col * p + j];
        }
    }

    /// <summary>
    /// image ← all N rows of <paramref name="patches"/> (row r is token order[r]); rows have
    /// <paramref name="rowChannels"/> channels of which the first <paramref name="channels"/> are written.
    /// </summary>
    public void Scatter(ReadOnlySpan<float> patches, int rowChannels, int channels, ReadOnlySpan<int> order, Span<float> image)
    {
        int p = _patch, width = p * p * rowChannels;
        for (var r = 0; r < Tokens; r++)
        {
            var token = order[r];
            int row = token / _gridWidth, col = token % _gridWidth;
            var src = patches.Slice(r * width, width);
            for (var i = 0; i < p; i++)
                for (var j = 0; j < p; j++)
                    for (var c = 0; c < channels; c++)
                        image[(c * _height + row * p + i) * _width + col * p + j] = src[(i * p + j) * rowChannels + c];
        }
    }
}
