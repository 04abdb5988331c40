namespace Jano.Runtime.Decoders;

/// <summary>
/// Tiled decoding as diffusers' AutoencoderKL.tiled_decode: latents larger than one tile along either
/// axis are cut into tiles of <see cref="TileLatents"/>² starting every TileLatents − OverlapLatents
/// latents, each tile is decoded alone, and neighbours are blended linearly over OverlapLatents·f pixels.
/// diffusers' defaults for an SD VAE (sample_size 512: tiles of 64 latents, overlap factor 0.25) are
/// tiles of 64 with an overlap of 16; for tile sizes divisible by 4 with overlap = tile/4 the tiles and
/// blends are exactly diffusers'. Memory is bounded by one tile's activations (the mid block's attention
/// over 64² positions: 64 MiB of float32 scores) plus the output image, whatever the image size.
/// </summary>
public sealed record DecoderTiling
{
    public static readonly DecoderTiling Default = new();

    /// <summary>A tiling that never tiles (the whole latent in one run).</summary>
    public static readonly DecoderTiling Off = new() { Enabled = false };

    public bool Enabled { get; init; } = true;
    public int TileLatents { get; init; } = 64;
    public int OverlapLatents { get; init; } = 16;

    public int StrideLatents => TileLatents - OverlapLatents;

    /// <summary>Whether latents of this size decode in one run (diffusers tiles only above the tile size).</summary>
    public bool Covers(int height, int width) => !Enabled || (height <= TileLatents && width <= TileLatents);

    /// <summary>Tile starts along one axis: 0, stride, 2·stride, … below <paramref name="size"/> (diffusers' range()).</summary>
    public IReadOnlyList<int> Starts(int size)
    {
        var starts = new List<int>();
        for (var s = 0; s < size; s += StrideLatents) starts.Add(s);
        return starts;
    }

    public void Validate()
    {
        if (TileLatents < 1) throw new ArgumentException($"tile size must be at least 1 latent, got {TileLatents}");
        if (OverlapLatents < 0 || OverlapLatents >= TileLatents)
            throw new ArgumentException($"tile overlap must be in [0, {TileLatents}) latents, got {OverlapLatents}");
    }
}
