using System.Text.Json.Serialization;

namespace Jano.Core.Geometry;

/// <summary>
/// The token geometry a transformer package is built for: latent channels and size in latent pixels
/// (height may differ from width), the patch size, frames (1 for images) and the prefix rows L — text
/// tokens that every step computes ahead of the image tokens (0 for cross-attention families such as
/// PixArt). Image tokens are the patches in row-major order over the grid.
/// </summary>
public sealed record LatentGeometry
{
    public required int Channels { get; init; }
    public required int OutChannels { get; init; }
    public required int Height { get; init; }
    public required int Width { get; init; }
    public required int PatchSize { get; init; }
    public int Frames { get; init; } = 1;
    public int PrefixRows { get; init; }

    [JsonIgnore] public int GridHeight => Height / PatchSize;
    [JsonIgnore] public int GridWidth => Width / PatchSize;

    /// <summary>Image tokens N (the prefix rows are not counted).</summary>
    [JsonIgnore] public int Tokens => GridHeight * GridWidth * Frames;

    /// <summary>Values per patch row fed to the embedding: p·p·C.</summary>
    [JsonIgnore] public int PatchInputWidth => PatchSize * PatchSize * Channels;

    /// <summary>Values per output row: p·p·C_out.</summary>
    [JsonIgnore] public int PatchOutputWidth => PatchSize * PatchSize * OutChannels;

    /// <summary>Values of one latent image [C, H, W] (times frames).</summary>
    [JsonIgnore] public int LatentValues => Channels * Height * Width * Frames;

    /// <summary>"H×W" in latent pixels, for messages.</summary>
    public string Describe() => Frames == 1 ? $"{Height}×{Width}" : $"{Frames}×{Height}×{Width}";

    /// <summary>Square geometry, the shape of every v1 package and of diffusers' int sample_size.</summary>
    public static LatentGeometry Square(int channels, int outChannels, int size, int patchSize) =>
        new() { Channels = channels, OutChannels = outChannels, Height = size, Width = size, PatchSize = patchSize };

    /// <summary>The first problem of this geometry as "field: problem", or null when it is usable.</summary>
    public string? Problem()
    {
        if (Channels <= 0) return "channels: must be positive";
        if (OutChannels != Channels && OutChannels != 2 * Channels) return $"outChannels: must equal channels ({Channels}) or twice it (learned sigma), found {OutChannels}";
        if (Height <= 0 || Width <= 0) return $"height, width: must be positive, found {Height}×{Width}";
        if (PatchSize <= 0) return "patchSize: must be positive";
        if (Height % PatchSize != 0 || Width % PatchSize != 0) return $"patchSize: {PatchSize} must divide height {Height} and width {Width}";
        if (Frames != 1) return $"frames: only images (1 frame) are supported so far, found {Frames}";
        if (PrefixRows < 0) return $"prefixRows: must be ≥ 0, found {PrefixRows}";
        return null;
    }
}
