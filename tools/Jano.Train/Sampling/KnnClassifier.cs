using static TorchSharp.torch;

namespace Jano.Train.Sampling;

/// <summary>
/// The quality measure of DESIGN.md: a k-nearest-neighbour classifier in pixel space, fitted on the real
/// training images (the 28×28 centre, so the padding the model adds carries no weight), majority vote.
/// </summary>
public sealed class KnnClassifier(Tensor trainImages, long[] trainLabels, int k = 5)
{
    private readonly Tensor _train = Flatten(trainImages);
    private readonly Tensor _trainNorms = Flatten(trainImages).pow(2).sum(1);

    private static Tensor Flatten(Tensor images)
    {
        long off = (images.shape[2] - 28) / 2;
        return images[.., 0, (int)off..(int)(off + 28), (int)off..(int)(off + 28)].reshape(images.shape[0], -1).contiguous();
    }

    public long[] Predict(Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var q = Flatten(images.clamp(-1, 1));
        // ‖q − t‖² = ‖t‖² − 2 q·t (+ ‖q‖², the same for every t of one query)
        var d = _trainNorms.unsqueeze(0) - 2 * q.matmul(_train.t());
        var nearest = d.topk(k, dim: 1, largest: false).indexes.data<long>().ToArray();
        var result = new long[images.shape[0]];
        for (int i = 0; i < result.Length; i++)
        {
            var votes = new int[10];
            for (int j = 0; j < k; j++) votes[trainLabels[nearest[i * k + j]]]++;
            result[i] = Array.IndexOf(votes, votes.Max()); // ties: the lowest label, as sklearn's mode
        }
        return result;
    }
}
