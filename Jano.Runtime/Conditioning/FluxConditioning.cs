using Jano.Core.Packages;
using Jano.Runtime.Text;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// FLUX's prompt conditioning, always exactly L rows (the package's prefix rows), every row attended as
/// FluxPipeline passes no text mask. A FLUX.1 pipeline (FluxPipeline.encode_prompt): T5's states padded
/// to max_sequence_length (T5 itself attending to its padding, as the pipeline passes no mask) and CLIP-L's
/// pooler_output (the final-normed EOS state, CLIPTextModel without projection) as the pooled vector. A
/// FLUX-shaped transformer packaged with MiniLM (the model trained by tools/Jano.Train): MiniLM's states
/// of the real tokens followed by zero rows up to L, and the plain mean of the real tokens' states as
/// the pooled vector — exactly what the trainer fed.
/// </summary>
public sealed class FluxConditioning : ITextEncoder
{
    private readonly TextEncoder? _miniLm;
    private readonly ClipTextEncoder? _clip;
    private readonly T5TextEncoder? _t5;
    private readonly Dictionary<string, TextConditioning> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private FluxConditioning(TextEncoder? miniLm, ClipTextEncoder? clip, T5TextEncoder? t5, int rows, int width)
    {
        (_miniLm, _clip, _t5) = (miniLm, clip, t5);
        MaxTokens = rows;
        HiddenSize = width;
    }

    public string Kind => _miniLm is not null ? "flux-minilm" : "flux";

    /// <summary>The transformer's joint_attention_dim.</summary>
    public int HiddenSize { get; }

    /// <summary>L: rows of every caption.</summary>
    public int MaxTokens { get; }

    public TextConditioning Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_lock)
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
        var result = _miniLm is not null ? MiniLm(prompt) : ClipT5(prompt);
        lock (_lock)
        {
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
            _cache[prompt] = result;
            return result;
        }
    }

    private TextConditioning MiniLm(string prompt)
    {
        var e = _miniLm!.Encode(prompt); // at most MaxTokens tokens (the encoder's limit), else PromptTooLongException
        var states = new float[MaxTokens * HiddenSize]; // zero rows after the real tokens, as the trainer padded
        e.HiddenStates.CopyTo(states, 0);
        var ids = new int[MaxTokens];
        e.TokenIds.CopyTo(ids, 0);
        return new TextConditioning(ids, states, AllRows(), HiddenSize, TextEncoder.MeanPooled(e));
    }

    private TextConditioning ClipT5(string prompt)
    {
        var pooled = _clip!.Encode(prompt).Pooled;
        var t = _t5!.Encode(prompt);
        if (t.TokenCount != MaxTokens)
            throw new InvalidOperationException($"the T5 encoder returned {t.TokenCount} rows, FLUX needs {MaxTokens} (it pads to max_sequence_length)");
        return new TextConditioning(t.TokenIds, t.States, AllRows(), HiddenSize, pooled);
    }

    private bool[] AllRows()
    {
        var mask = new bool[MaxTokens];
        Array.Fill(mask, true);
        return mask;
    }

    public void Dispose()
    {
        _miniLm?.Dispose();
        _clip?.Dispose();
        _t5?.Dispose();
    }

    /// <summary>
    /// The package's entries: one minilm (states and pooled), or clip then t5; their widths checked against
    /// the transformer (T5 = joint_attention_dim, CLIP's hidden size = the cond graph's pooled width) and
    /// the caption length against the package's prefix rows.
    /// </summary>
    public static FluxConditioning Open(ModelPackage package, RuntimeOptions options)
    {
        var m = package.Manifest;
        var pooledWidth = m.Dims.PooledWidth;
        var manifest = package.PathOf(ModelManifest.FileName);
        var e = m.Components.TextEncoders;
        int rows = m.Geometry.PrefixRows, width = m.Dims.CaptionChannels;
        int? threads = options.Threads > 0 ? options.Threads : null;
        if (e is [{ Kind: TextEncoderComponent.MiniLm } miniLm])
        {
            if (miniLm.MaxTokens != rows)
                throw new ModelPackageException($"{manifest}: field 'components.textEncoders[0].maxTokens' is {miniLm.MaxTokens}, but a FLUX package's MiniLM caption has exactly geometry.prefixRows = {rows} rows");
            var encoder = TextEncoder.CreateDefault(new TextEncoderOptions { MaxTokens = rows, Truncate = options.TruncatePrompts, IntraOpThreads = threads });
            if (encoder.HiddenSize != width || pooledWidth != width)
            {
                encoder.Dispose();
                throw new ModelPackageException($"{manifest}: MiniLM gives {encoder.HiddenSize}-wide states and pooled vectors; the transformer takes {width}-wide states and a {pooledWidth}-wide pooled vector");
            }
            return new FluxConditioning(encoder, null, null, rows, width);
        }
        if (e.Count != 2 || e[0].Kind != TextEncoderComponent.Clip || e[1].Kind != TextEncoderComponent.T5)
            throw new ModelPackageException($"{manifest}: components.textEncoders of a FLUX package are one minilm, or clip then t5; found [{string.Join(", ", e.Select(x => x.Kind))}]");
        ClipTextEncoder? clip = null;
        T5TextEncoder? t5 = null;
        try
        {
            clip = Sd3Conditioning.OpenClip(package, e[0], options, threads);
            if (clip.HiddenSize != pooledWidth)
                throw new InvalidDataException($"textEncoders ({e[0].Name}): CLIP's pooled output is {clip.HiddenSize} wide, the transformer's pooled_projection_dim is {pooledWidth}");
            t5 = T5TextEncoder.Open(e[1], package.Folder, new T5TextEncoderOptions { Truncate = options.TruncatePrompts, IntraOpThreads = threads, AttendToPadding = true });
            if (t5.HiddenSize != width)
                throw new InvalidDataException($"textEncoders ({e[1].Name}): T5's states are {t5.HiddenSize} wide, the transformer's joint_attention_dim is {width}");
            if (t5.MaxTokens != rows)
                throw new InvalidDataException($"textEncoders ({e[1].Name}): T5 pads to {t5.MaxTokens} tokens, but the transformer was exported for {rows} caption rows (geometry.prefixRows)");
            return new FluxConditioning(null, clip, t5, rows, width);
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            clip?.Dispose();
            t5?.Dispose();
            throw new ModelPackageException($"{manifest}: {ex.Message}", ex);
        }
        catch
        {
            clip?.Dispose();
            t5?.Dispose();
            throw;
        }
    }
}
