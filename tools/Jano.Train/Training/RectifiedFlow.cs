using static TorchSharp.torch;

namespace Jano.Train.Training;

/// <summary>
/// The rectified-flow objective: x_σ = (1−σ)·x0 + σ·ε with σ = sigmoid(N(0,1)) (logit-normal, which
/// spends most samples at mid noise levels where the velocity is hardest); the model sees timestep
/// σ (PixArt as 1000·σ, see FlowModel.Velocity) and predicts the velocity ε − x0 (so Euler steps from σ=1 to 0 integrate noise into images).
/// </summary>
public static class RectifiedFlow
{
    public const float TimestepScale = 1000f;

    public static Tensor Loss(Model.FlowModel model, Tensor x0, Tensor caption, Tensor? captionMask, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        long b = x0.shape[0];
        var sigma = sigmoid(randn(b, generator: generator));
        var noise = randn(x0.shape, generator: generator);
        var s = sigma.view(-1, 1, 1, 1);
        var xt = (1 - s) * x0 + s * noise;
        var target = noise - x0;
        var prediction = model.Velocity(xt, sigma, caption, captionMask);
        return nn.functional.mse_loss(prediction, target).MoveToOuterDisposeScope();
    }
}
