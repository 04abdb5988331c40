using static TorchSharp.torch;

namespace Jano.Train.Data;

/// <summary>
/// Which images and captions make up training batch number <c>step</c>. A pure function of (seed, step),
/// independent of any RNG state, so a resumed run continues the same data order: epoch e is the
/// permutation Random(seed + e); captions are drawn per (step, position).
/// </summary>
public sealed class BatchSampler(FashionMnist data, CaptionCache captions, int batchSize, int seed, double dropCaption = 0.1, double canonicalShare = 0.4)
{
    // Flipping a garment left-right is still that garment; the footwear (and bags) of Fashion-MNIST all
    // face one way, and flipped shoes would be unlike every real one the kNN check compares with.
    private static readonly bool[] Flippable = [true, true, true, true, true, false, true, false, false, false];

    private int _cachedEpoch = -1;
    private int[] _order = [];

    public int BatchSize => batchSize;

    public (Tensor Images, Tensor Captions, Tensor CaptionMask) Get(long step)
    {
        long first = step * batchSize;
        var imageIdx = new long[batchSize];
        var captionIdx = new long[batchSize];
        var flip = new bool[batchSize];
        // Not HashCode.Combine: it is salted per process, and the draw must be the same after a resume.
        var rng = new Random(unchecked((int)(seed * 1_000_003L + step * 7919L)));
        for (int i = 0; i < batchSize; i++)
        {
            long n = first + i;
            var order = Order((int)(n / data.Count));
            int image = order[n % data.Count];
            imageIdx[i] = image;
            int label = (int)data.Labels[image];
            captionIdx[i] = captions.IndexOf(PickCaption(label, rng));
            flip[i] = Flippable[label] && rng.NextDouble() < 0.5;
        }

        using var idx = tensor(imageIdx);
        using var x = data.Images.index_select(0, idx);
        using var flipMask = tensor(flip).view(-1, 1, 1, 1);
        using var flipped = x.flip(3);
        var images = where(flipMask, flipped, x);
        var (states, mask) = captions.Batch(captionIdx);
        return (images, states, mask);
    }

    private string PickCaption(int label, Random rng)
    {
        if (rng.NextDouble() < dropCaption)
            return Captions.Empty;
        var templates = Captions.Templates[label];
        // The canonical prompt is what users and the evaluation type; give it a larger share.
        return rng.NextDouble() < canonicalShare ? templates[0] : templates[1 + rng.Next(templates.Length - 1)];
    }

    private int[] Order(int epoch)
    {
        if (epoch != _cachedEpoch)
        {
            _order = Enumerable.Range(0, data.Count).ToArray();
            new Random(seed + epoch).Shuffle(_order);
            _cachedEpoch = epoch;
        }
        return _order;
    }
}
