using Jano.Core.Packages;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// SD3's prompt conditioning as diffusers' StableDiffusion3Pipeline.encode_prompt builds it: CLIP-L and
/// CLIP-G states [77, dL] and [77, dG] side by side, zero-padded to the transformer's joint width J,
/// then T5's [T, J] appended along tokens (zeros of 77 rows when the pipeline has no T5, as diffusers
/// does with tokenizer_max_length); pooled = text_embeds(L) ⊕ text_embeds(G). SD3 passes no text mask,
/// so every row, padding included, is a real token of the caption: L = 77 + T rows, all attended.
/// </summary>
public sealed class Sd3Conditioning : ITextEncoder
{
    private readonly ClipTextEncoder _clipL;
    private readonly ClipTextEncoder _clipG;
    private readonly T5TextEncoder? _t5;
    private readonly int _t5Rows;
    private readonly Dictionary<string, TextConditioning> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Sd3Conditioning(ClipTextEncoder clipL, ClipTextEncoder clipG, T5TextEncoder? t5, int jointWidth)
    {
        _clipL = clipL;
        _clipG = clipG;
        _t5 = t5;
        HiddenSize = jointWidth;
        if (clipL.ProjectionDim == 0 || clipG.ProjectionDim == 0)
            throw new InvalidDataException("SD3's CLIP text encoders must both be CLIPTextModelWithProjection (the pooled vector is their text_embeds)");
        if (clipL.HiddenSize + clipG.HiddenSize > jointWidth)
            throw new InvalidDataException($"the CLIP states are {clipL.HiddenSize} + {clipG.HiddenSize} wide, more than the transformer's joint width {jointWidth}");
        if (t5 is not null && t5.HiddenSize != jointWidth)
            throw new InvalidDataException($"the T5 encoder's states are {t5.HiddenSize} wide, the transformer's joint width is {jointWidth}");
        if (clipL.SequenceLength != clipG.SequenceLength)
            throw new InvalidDataException($"the CLIP encoders take {clipL.SequenceLength} and {clipG.SequenceLength} tokens; SD3 needs one length");
        _t5Rows = t5?.MaxTokens ?? clipL.SequenceLength;
        MaxTokens = clipL.SequenceLength + _t5Rows;
    }

    /// <summary>Kinds of the manifest's three entries, in order (T5 optional).</summary>
    public string Kind => "sd3";

    /// <summary>The transformer's joint_attention_dim.</summary>
    public int HiddenSize { get; }

    /// <summary>Rows of every caption: 77 CLIP rows plus the T5 rows (always this many).</summary>
    public int MaxTokens { get; }

    /// <summary>Width of the pooled vector: the two projection dims.</summary>
    public int PooledWidth => _clipL.ProjectionDim + _clipG.ProjectionDim;

    public TextConditioning Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_lock)
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
        var l = _clipL.Encode(prompt);
        var g = _clipG.Encode(prompt);
        int clipRows = _clipL.SequenceLength, j = HiddenSize, dl = l.HiddenSize, dg = g.HiddenSize;
        var states = new float[MaxTokens * j]; // zero: the padding of the CLIP rows and, without T5, its rows
        for (var r = 0; r < clipRows; r++)
        {
            l.Row(r).CopyTo(states.AsSpan(r * j, dl));
            g.Row(r).CopyTo(states.AsSpan(r * j + dl, dg));
        }
        var ids = new int[MaxTokens];
        for (var r = 0; r < clipRows; r++) ids[r] = (int)l.Tokens.Ids[r];
        if (_t5 is not null)
        {
            var t = _t5.Encode(prompt);
            if (t.TokenCount != _t5Rows)
                throw new InvalidOperationException($"the T5 encoder returned {t.TokenCount} rows, SD3 needs {_t5Rows} (it pads to max_sequence_length)");
            t.States.CopyTo(states.AsSpan(clipRows * j));
            t.TokenIds.CopyTo(ids, clipRows);
        }
        var pooled = new float[PooledWidth];
        l.TextEmbeds!.CopyTo(pooled, 0);
        g.TextEmbeds!.CopyTo(pooled, l.TextEmbeds!.Length);
        var mask = new bool[MaxTokens];
        Array.Fill(mask, true); // no text mask in SD3: every row is attended
        var result = new TextConditioning(ids, states, mask, j, pooled);
        lock (_lock)
        {
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
            _cache[prompt] = result;
            return result;
        }
    }

    public void Dispose()
    {
        _clipL.Dispose();
        _clipG.Dispose();
        _t5?.Dispose();
    }

    /// <summary>The package's three entries (clip, clip, optional t5), checked against its prefix rows.</summary>
    public static Sd3Conditioning Open(ModelPackage package, RuntimeOptions options)
    {
        var m = package.Manifest;
        var manifest = package.PathOf(ModelManifest.FileName);
        var e = m.Components.TextEncoders;
        if (e.Count is not (2 or 3) || e[0].Kind != TextEncoderComponent.Clip || e[1].Kind != TextEncoderComponent.Clip
            || (e.Count == 3 && e[2].Kind != TextEncoderComponent.T5))
            throw new ModelPackageException($"{manifest}: components.textEncoders of an SD3 package are kinds clip, clip and optionally t5, found [{string.Join(", ", e.Select(x => x.Kind))}]");
        int? threads = options.Threads > 0 ? options.Threads : null;
        ClipTextEncoder? l = null, g = null;
        T5TextEncoder? t5 = null;
        try
        {
            l = OpenClip(package, e[0], options, threads);
            g = OpenClip(package, e[1], options, threads);
            if (e.Count == 3)
                t5 = T5TextEncoder.Open(e[2], package.Folder, new T5TextEncoderOptions { Truncate = options.TruncatePrompts, IntraOpThreads = threads, AttendToPadding = true });
            var conditioning = new Sd3Conditioning(l, g, t5, m.Dims.CaptionChannels);
            if (conditioning.MaxTokens != m.Geometry.PrefixRows)
                throw new InvalidDataException($"the text encoders give {conditioning.MaxTokens} caption rows ({l.SequenceLength} CLIP + {conditioning._t5Rows} T5), but the transformer was exported for {m.Geometry.PrefixRows} (geometry.prefixRows)");
            return conditioning;
        }
        catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
        {
            l?.Dispose();
            g?.Dispose();
            t5?.Dispose();
            throw new ModelPackageException($"{manifest}: {ex.Message}", ex);
        }
        catch
        {
            l?.Dispose();
            g?.Dispose();
            t5?.Dispose();
            throw;
        }
    }

    internal static ClipTextEncoder OpenClip(ModelPackage package, TextEncoderComponent c, RuntimeOptions options, int? threads)
    {
        if (string.IsNullOrEmpty(c.Graph) || c.Tokenizer is null)
            throw new InvalidDataException($"textEncoders ({c.Name}): a clip encoder needs 'graph' and 'tokenizer'");
        string? File(string name) => c.Tokenizer.FirstOrDefault(f => Path.GetFileName(f) == name) is { } f ? Path.Combine(package.Folder, f) : null;
        var files = new ClipTextEncoderFiles(Path.Combine(package.Folder, c.Graph),
            File("vocab.json") ?? throw new InvalidDataException($"textEncoders ({c.Name}): 'tokenizer' lists no vocab.json"),
            File("merges.txt") ?? throw new InvalidDataException($"textEncoders ({c.Name}): 'tokenizer' lists no merges.txt"),
            File("tokenizer_config.json"));
        var encoder = ClipTextEncoder.Open(files, new ClipTextEncoderOptions
        {
            States = c.States == TextEncoderComponent.LastStates ? ClipTokenStates.Last : ClipTokenStates.Penultimate,
            Truncate = options.TruncatePrompts,
            IntraOpThreads = threads,
        });
        if (encoder.HiddenSize != c.HiddenSize)
        {
            encoder.Dispose();
            throw new InvalidDataException($"textEncoders ({c.Name}): 'hiddenSize' is {c.HiddenSize} but {c.Graph} outputs {encoder.HiddenSize}");
        }
        return encoder;
    }
}
