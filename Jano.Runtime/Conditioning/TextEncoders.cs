using Jano.Core.Packages;
using Jano.Runtime.Text;

namespace Jano.Runtime.Conditioning;

/// <summary>The text encoder a package's manifest names (kind minilm: built in; t5: the package's graph and spiece.model).</summary>
public static class TextEncoders
{
    /// <summary>
    /// The prompt encoder of a whole package: SD3's three encoders joined (<see cref="Sd3Conditioning"/>),
    /// else its first entry; null for a package without text encoders (it takes its conditioning as states).
    /// </summary>
    public static ITextEncoder? CreateFor(ModelPackage package, RuntimeOptions options)
    {
        var m = package.Manifest;
        if (m.Components.TextEncoders is not [var first, ..]) return null;
        if (m.Family == Jano.Core.Stages.Sd3Stages.Family) return Sd3Conditioning.Open(package, options);
        if (m.Family == Jano.Core.Stages.FluxStages.Family) return FluxConditioning.Open(package, options);
        return Create(package, first, options);
    }

    public static ITextEncoder Create(ModelPackage package, TextEncoderComponent component, RuntimeOptions options)
    {
        int? threads = options.Threads > 0 ? options.Threads : null;
        ITextEncoder encoder = component.Kind switch
        {
            TextEncoderComponent.MiniLm => TextEncoder.CreateDefault(new TextEncoderOptions { MaxTokens = component.MaxTokens, Truncate = options.TruncatePrompts, IntraOpThreads = threads }),
            T5TextEncoder.KindName => Open(package, () => T5TextEncoder.Open(component, package.Folder, new T5TextEncoderOptions { Truncate = options.TruncatePrompts, IntraOpThreads = threads })),
            TextEncoderComponent.Clip => throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: a clip text encoder alone gives no caption this runtime's families take (SD3 joins two with T5)"),
            var other => throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: text encoder kind '{other}' is not one this runtime runs (minilm, t5, clip)"),
        };
        // The manifest's width against the encoder's own output (MiniLM's built-in 384; a graph's last_hidden_state).
        if (encoder.HiddenSize != component.HiddenSize)
        {
            encoder.Dispose();
            var index = package.Manifest.Components.TextEncoders.IndexOf(component);
            throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: field 'components.textEncoders[{index}].hiddenSize' is {component.HiddenSize}, but the {component.Kind} encoder '{component.Name}' gives {encoder.HiddenSize}-wide states");
        }
        if (encoder.HiddenSize != package.Manifest.Dims.CaptionChannels)
        {
            encoder.Dispose();
            throw new ModelPackageException($"{package.Folder}: the model expects {package.Manifest.Dims.CaptionChannels}-wide caption states, the text encoder '{component.Name}' gives {encoder.HiddenSize}");
        }
        return component.Preprocess == TextEncoderComponent.LowerStrip ? new LowerStripEncoder(encoder) : encoder;
    }

    /// <summary>diffusers' PixArt prompt preprocessing without clean_caption's packages: text.lower().strip().</summary>
    private sealed class LowerStripEncoder(ITextEncoder inner) : ITextEncoder
    {
        public string Kind => inner.Kind;
        public int HiddenSize => inner.HiddenSize;
        public int MaxTokens => inner.MaxTokens;
        public TextConditioning Encode(string prompt) => inner.Encode(prompt.ToLowerInvariant().Trim());
        public void Dispose() => inner.Dispose();
    }

    /// <summary>An encoder's own file errors as package errors: one line naming the package.</summary>
    private static ITextEncoder Open(ModelPackage package, Func<ITextEncoder> open)
    {
        try { return open(); }
        catch (InvalidDataException e) { throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: {e.Message}", e); }
    }
}
