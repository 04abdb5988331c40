using static TorchSharp.torch;

namespace Jano.Train.Model;

/// <summary>
/// What the training loop, the sampler, the EMA and the exporter need from a model family (PixArt,
/// FLUX): the rectified-flow velocity for images in the trainer's layout, the image shape, and the
/// diffusers config.json. Each family keeps its own diffusers-shaped forward beside this.
/// </summary>
public abstract class FlowModel : nn.Module
{
    protected FlowModel(string name) : base(name) { }

    /// <summary>Channels of the images the model denoises (the trainer's [B, C, S, S] layout).</summary>
    public abstract int ImageChannels { get; }

    /// <summary>Side of the square training images.</summary>
    public abstract int ImageSize { get; }

    /// <summary>
    /// Predicted velocity ε − x0 for x_σ [B, C, S, S] at noise level <paramref name="sigma"/> [B] in [0, 1];
    /// caption states [B, M, 384] with <paramref name="captionMask"/> [B, M] (1 = real token) or null.
    /// Each family converts σ to its own timestep convention (PixArt 1000·σ; FLUX σ, scaled inside).
    /// </summary>
    public abstract Tensor Velocity(Tensor x, Tensor sigma, Tensor caption, Tensor? captionMask);

    /// <summary>The diffusers config.json of this model, as its class's from_pretrained reads it.</summary>
    public abstract string ToDiffusersJson();

    /// <summary>The family's training initialisation (in place).</summary>
    public abstract void InitializeForTraining();
}
