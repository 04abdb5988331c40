using Jano.Eval;
using static TorchSharp.torch;

namespace Jano.Train.Data;

/// <summary>
/// One Fashion-MNIST split as the model sees it: the runtime's loader (Jano.Eval, the same
/// files and checks `jano eval` uses) turned into a tensor, 28×28 padded to 32×32 (patch 2 needs a size
/// the patch divides; 32 = 16×16 tokens) with the background value, scaled to [−1, 1].
/// </summary>
public sealed record FashionMnist(Tensor Images, long[] Labels)
{
    public const string DefaultFolder = Jano.Eval.FashionMnist.DefaultFolder;
    public const int Side = Jano.Eval.FashionMnist.ImageSize, Padded = 32;

    public int Count => Labels.Length;

    /// <param name="split">"train" or "test"</param>
    public static FashionMnist Load(string folder, string split)
    {
        var dataset = Jano.Eval.FashionMnist.Load(folder);
        LabelledImages set = split switch
        {
            "train" => dataset.Train,
            "test" => dataset.Test,
            _ => throw new ArgumentException($"unknown Fashion-MNIST split '{split}' (train or test)"),
        };
        int n = set.Count;
        var padded = new float[n * Padded * Padded];
        Array.Fill(padded, -1f); // background: pixel 0 scaled to −1
        int offset = (Padded - Side) / 2;
        for (int i = 0; i < n; i++)
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
            padded[(i * Padded + y + offset) * Padded + x + offset] = set.Pixels[(i * Side + y) * Side + x] / 127.5f - 1f;
        return new FashionMnist(tensor(padded, [n, 1, Padded, Padded]), Array.ConvertAll(set.Labels, l => (long)l));
    }
}
