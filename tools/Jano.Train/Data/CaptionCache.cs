using System.Text.Json;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Jano.Train.Data;

/// <summary>
/// The MiniLM states of every caption (written by the CaptionEncoder project), padded to the longest
/// caption so that a batch is one index_select: States [K, M, 384] and Mask [K, M] (1 = real token).
/// Padding keys are masked out of cross-attention, so padding changes nothing numerically.
/// </summary>
public sealed class CaptionCache
{
    private readonly Dictionary<string, int> _index;

    private CaptionCache(IReadOnlyList<string> captions, Tensor states, Tensor mask)
    {
        Captions = captions;
        States = states;
        Mask = mask;
        _index = captions.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Captions { get; }
    public Tensor States { get; }
    public Tensor Mask { get; }

    public int IndexOf(string caption) =>
        _index.TryGetValue(caption, out var i) ? i : throw new KeyNotFoundException($"caption \"{caption}\" is not in the cache; re-run the caption encoder");

    public static CaptionCache Load(string folder)
    {
        var captions = JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(folder, "captions.json")))
            ?? throw new InvalidDataException("captions.json is empty");
        var missing = Data.Captions.All.Except(captions).ToList();
        if (missing.Count > 0)
            throw new InvalidDataException($"caption cache in {folder} lacks {missing.Count} captions (e.g. \"{missing[0]}\"); re-run the caption encoder");

        var tensors = Safetensors.LoadStateDict(Path.Combine(folder, "captions.safetensors"));
        var rows = Enumerable.Range(0, captions.Length).Select(i => tensors[$"caption.{i}"]).ToArray();
        long maxLen = rows.Max(r => r.shape[0]), width = rows[0].shape[1];
        var states = zeros(captions.Length, maxLen, width);
        var mask = zeros(captions.Length, maxLen);
        for (int i = 0; i < rows.Length; i++)
        {
            long len = rows[i].shape[0];
            states[i, TensorIndex.Slice(0, len)] = rows[i];
            mask[i, TensorIndex.Slice(0, len)] = 1f;
        }
        return new CaptionCache(captions, states, mask);
    }

    /// <summary>States and mask of the given caption indices, trimmed to the longest of them.</summary>
    public (Tensor States, Tensor Mask) Batch(long[] indices)
    {
        using var idx = tensor(indices);
        var mask = Mask.index_select(0, idx);
        long len = (long)mask.sum(1).max().item<float>();
        return (States.index_select(0, idx)[.., ..(int)len], mask[.., ..(int)len]);
    }
}
