namespace Jano.Runtime.Pipeline;

/// <summary>
/// Moves values between the image layout [C, S, S] and token rows [n, p·p·C] (patch values ordered
/// row-in-patch, column-in-patch, channel — the order the exported graphs use), in scheduling order:
/// row r holds token order[r].
/// </summary>
public sealed class TokenLayout
{
    private readonly int _patch, _grid, _size;

    public TokenLayout(int sampleSize, int patchSize)
    {
        _patch = patchSize;
        _size = sampleSize;
        _grid = sampleSize / patchSize;
    }

    public int Tokens => _grid * _grid;

    /// <summary>Rows [0, count) of <paramref name="patches"/> ← patches of tokens order[0..count) of the image.</summary>
    public void Gather(ReadOnlySpan<float> image, int channels, ReadOnlySpan<int> order, int count, Span<float> patches)
    {
        int p = _patch, width = p * p * channels;
        for (var r = 0; r < count; r++)
        {
            var token = order[r];
            int row = token / _grid, col = token % _grid;
            var dst = patches.Slice(r * width, width);
            for (var i = 0; i < p; i++)
                for (var j = 0; j < p; j++)
                    for (var c = 0; c < channels; c++)
                        dst[(i * p + j) * channels + c] = image[(c * _size + row * p + i) * _size + col * p + j];
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
            int row = token / _grid, col = token % _grid;
            var src = patches.Slice(r * width, width);
            for (var i = 0; i < p; i++)
                for (var j = 0; j < p; j++)
                    for (var c = 0; c < channels; c++)
                        image[(c * _size + row * p + i) * _size + col * p + j] = src[(i * p + j) * rowChannels + c];
        }
    }
}
