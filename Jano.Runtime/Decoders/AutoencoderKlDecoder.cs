using System.Globalization;
using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Decoders;

/// <summary>
/// An exported AutoencoderKL decoder graph (Jano.Export's AutoencoderKlExporter) on ONNX Runtime. The
/// graph is diffusers' vae.decode alone; this class first maps the transformer's latents to the VAE's
/// (z = latents / scalingFactor + shiftFactor, the component's numbers, as diffusers' pipelines do
/// before decode), then decodes in one run when the latents fit one tile and tile by tile otherwise
/// (<see cref="DecoderTiling"/>, <see cref="TiledDecoding"/>).
/// </summary>
public sealed class AutoencoderKlDecoder : IDecoder
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float _scaling;
    private readonly float _shift;

    public AutoencoderKlDecoder(OrtSessionFactory factory, string graphPath, DecoderComponent component, DecoderTiling? tiling = null)
    {
        if (component.Kind != DecoderComponent.AutoencoderKl)
            throw new ArgumentException($"decoder kind is '{component.Kind}', not '{DecoderComponent.AutoencoderKl}'");
        if (!double.IsFinite(component.ScalingFactor) || component.ScalingFactor == 0)
            throw new ArgumentException($"decoder scalingFactor must be finite and non-zero, found {component.ScalingFactor}");
        Tiling = tiling ?? DecoderTiling.Default;
        Tiling.Validate();
        _scaling = (float)component.ScalingFactor;
        _shift = (float)component.ShiftFactor;
        _session = factory.Create(graphPath);
        try
        {
            (LatentChannels, OutputChannels, UpscaleFactor) = Describe(_session, graphPath);
        }
        catch
        {
            _session.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    public DecoderTiling Tiling { get; }
    public int LatentChannels { get; }
    public int OutputChannels { get; }
    public int UpscaleFactor { get; }

    /// <summary>Graph runs of the last <see cref="Decode"/>: 1 when it was untiled, else the tile count.</summary>
    public int LastRuns { get; private set; }

    public float[] Decode(ReadOnlySpan<float> latents, int height, int width)
    {
        DecoderChecks.Latents(latents.Length, LatentChannels, height, width);
        var z = new float[latents.Length];
        for (var i = 0; i < z.Length; i++) z[i] = latents[i] / _scaling + _shift;
        return DecodeScaled(z, height, width);
    }

    /// <summary>Decodes VAE latents (already scaled and shifted): diffusers' vae.decode, tiled as <see cref="Tiling"/> says.</summary>
    public float[] DecodeScaled(float[] z, int height, int width)
    {
        DecoderChecks.Latents(z.Length, LatentChannels, height, width);
        LastRuns = 0;
        if (Tiling.Covers(height, width))
        {
            var image = new float[(long)OutputChannels * height * UpscaleFactor * width * UpscaleFactor];
            Run(z, height, width, image);
            return image;
        }
        return TiledDecoding.Decode(z, LatentChannels, height, width, OutputChannels, UpscaleFactor, Tiling, Run);
    }

    private void Run(float[] z, int height, int width, float[] image)
    {
        long f = UpscaleFactor;
        using var input = OrtValue.CreateTensorValueFromMemory(z, [1, LatentChannels, height, width]);
        using var output = OrtValue.CreateTensorValueFromMemory(image, [1, OutputChannels, height * f, width * f]);
        _session.Run(_runOptions, [DecoderStages.Latents], [input], [DecoderStages.Image], [output]);
        LastRuns++;
    }

    /// <summary>Channels from the graph's fixed dimensions, the upscale factor from its metadata; a graph of another shape is refused by name.</summary>
    private static (int Latent, int Out, int Factor) Describe(InferenceSession session, string path)
    {
        if (!session.InputMetadata.TryGetValue(DecoderStages.Latents, out var input) || input.Dimensions.Length != 4 || input.Dimensions[1] <= 0)
            throw new ModelPackageException($"{path}: the decoder graph has no input '{DecoderStages.Latents}' [batch, channels, height, width] with fixed channels");
        if (!session.OutputMetadata.TryGetValue(DecoderStages.Image, out var output) || output.Dimensions.Length != 4 || output.Dimensions[1] <= 0)
            throw new ModelPackageException($"{path}: the decoder graph has no output '{DecoderStages.Image}' [batch, channels, height, width] with fixed channels");
        var meta = session.ModelMetadata.CustomMetadataMap;
        if (!meta.TryGetValue(DecoderStages.UpscaleFactorKey, out var text)
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var factor) || factor < 1)
            throw new ModelPackageException($"{path}: the decoder graph's metadata has no positive integer '{DecoderStages.UpscaleFactorKey}'");
        return (input.Dimensions[1], output.Dimensions[1], factor);
    }

    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }
}
