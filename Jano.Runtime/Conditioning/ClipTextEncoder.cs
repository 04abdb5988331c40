using Jano.Core.Stages;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// A CLIP text encoder: <see cref="ClipTokenizer"/> plus the graph Jano.Export's ClipTextGraph writes
/// (names: <see cref="ClipTextStages"/>). A prompt becomes 77 ids (BOS, BPE ids, EOS, padding) and
/// one run gives its per-token states (penultimate or last, <see cref="ClipTextEncoderOptions.States"/>),
/// the pooled EOS state and, for a model with projection, text_embeds. Prompts are cached for the life
/// of the instance (a generation encodes the same prompt and the empty one again and again). Thread-safe.
/// </summary>
public sealed class ClipTextEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ClipTextEncoderOptions _options;
    private readonly string[] _outputNames;
    private readonly Dictionary<string, ClipTextEncoding> _cache = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _disposed;

    private ClipTextEncoder(InferenceSession session, ClipTokenizer tokenizer, ClipTextEncoderOptions options, string graph)
    {
        _session = session;
        _options = options;
        Tokenizer = tokenizer;
        (SequenceLength, HiddenSize, ProjectionDim) = Validate(session, graph, tokenizer);
        var states = options.States == ClipTokenStates.Last ? ClipTextStages.LastHiddenState : ClipTextStages.PenultimateHiddenState;
        _outputNames = ProjectionDim > 0 ? [states, ClipTextStages.Pooled, ClipTextStages.TextEmbeds] : [states, ClipTextStages.Pooled];
    }

    public static ClipTextEncoder Open(ClipTextEncoderFiles files, ClipTextEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        options ??= new ClipTextEncoderOptions();
        var tokenizer = ClipTokenizer.FromFiles(files.Vocabulary, files.Merges, files.TokenizerConfig);
        var session = options.CreateSession?.Invoke(files.Graph) ?? CpuSession(files.Graph, options.IntraOpThreads);
        try
        {
            return new ClipTextEncoder(session, tokenizer, options, files.Graph);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public ClipTokenizer Tokenizer { get; }

    /// <summary>Ids per prompt (the graph's fixed sequence length, 77).</summary>
    public int SequenceLength { get; }

    public int HiddenSize { get; }

    /// <summary>Width of text_embeds; 0 for a model without projection.</summary>
    public int ProjectionDim { get; }

    /// <summary>The prompt's encoding; the same prompt returns the same cached instance.</summary>
    /// <exception cref="Text.PromptTooLongException">More than 77 tokens and <see cref="ClipTextEncoderOptions.Truncate"/> is off.</exception>
    public ClipTextEncoding Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_lock)
        {
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
        }
        var encoding = Run([Tokenizer.Encode(prompt, _options.Truncate)])[0];
        lock (_lock)
        {
            // Another thread may have encoded it meanwhile: keep the first, so every caller sees one instance.
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
            _cache[prompt] = encoding;
            return encoding;
        }
    }

    /// <summary>Several prompts in one run (not cached): the guidance pair, or a batch.</summary>
    public IReadOnlyList<ClipTextEncoding> EncodeBatch(IReadOnlyList<string> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (prompts.Count == 0) return [];
        return Run(prompts.Select(p => Tokenizer.Encode(p, _options.Truncate)).ToArray());
    }

    /// <summary>Ids made elsewhere (each exactly <see cref="SequenceLength"/> long), run as one batch.</summary>
    public IReadOnlyList<ClipTextEncoding> EncodeTokens(IReadOnlyList<ClipTokens> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var t in tokens)
            if (t.Ids.Length != SequenceLength)
                throw new ArgumentException($"token ids must be {SequenceLength} long, found {t.Ids.Length}", nameof(tokens));
        return tokens.Count == 0 ? [] : Run(tokens);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }

    private ClipTextEncoding[] Run(IReadOnlyList<ClipTokens> batch)
    {
        int b = batch.Count, l = SequenceLength, d = HiddenSize;
        var ids = new long[b * l];
        for (var i = 0; i < b; i++) batch[i].Ids.CopyTo(ids, i * l);
        using var input = OrtValue.CreateTensorValueFromMemory(ids, [b, l]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, [ClipTextStages.InputIds], [input], _outputNames);
        var states = outputs[0].GetTensorDataAsSpan<float>();
        var pooled = outputs[1].GetTensorDataAsSpan<float>();
        var embeds = ProjectionDim > 0 ? outputs[2].GetTensorDataAsSpan<float>() : default;
        if (states.Length != b * l * d || pooled.Length != b * d || embeds.Length != b * ProjectionDim)
            throw new InvalidDataException($"CLIP text encoder returned {states.Length}, {pooled.Length}, {embeds.Length} values for {b} prompts; expected {b}×{l}×{d}, {b}×{d}, {b}×{ProjectionDim}");

        var result = new ClipTextEncoding[b];
        for (var i = 0; i < b; i++)
            result[i] = new ClipTextEncoding(batch[i], _options.States, states.Slice(i * l * d, l * d).ToArray(), d,
                pooled.Slice(i * d, d).ToArray(), ProjectionDim > 0 ? embeds.Slice(i * ProjectionDim, ProjectionDim).ToArray() : null);
        return result;
    }

    private static InferenceSession CpuSession(string graph, int? threads)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads is int n) options.IntraOpNumThreads = n;
        return new InferenceSession(graph, options);
    }

    /// <summary>The graph's interface against <see cref="ClipTextStages"/> and the tokenizer's length: (L, D, projection or 0).</summary>
    private static (int L, int D, int P) Validate(InferenceSession session, string graph, ClipTokenizer tokenizer)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 1 || !inputs.TryGetValue(ClipTextStages.InputIds, out var ids) || ids.ElementDataType != TensorElementType.Int64
            || ids.Dimensions.Length != 2 || ids.Dimensions[1] <= 0)
            throw new InvalidDataException($"{graph}: a CLIP text encoder graph takes one input '{ClipTextStages.InputIds}' int64 [batch, length]; found [{string.Join(", ", inputs.Keys)}]");
        var l = ids.Dimensions[1];
        if (l != tokenizer.MaxLength)
            throw new InvalidDataException($"{graph}: the graph takes {l} ids per prompt, but the tokenizer config's field 'model_max_length' is {tokenizer.MaxLength}");

        var outputs = session.OutputMetadata;
        int Width(string name, int rank)
        {
            if (!outputs.TryGetValue(name, out var meta) || meta.Dimensions.Length != rank || meta.Dimensions[^1] <= 0)
                throw new InvalidDataException($"{graph}: a CLIP text encoder graph needs output '{name}' of rank {rank} with a fixed last dimension");
            return meta.Dimensions[^1];
        }
        var d = Width(ClipTextStages.LastHiddenState, 3);
        if (Width(ClipTextStages.PenultimateHiddenState, 3) != d || Width(ClipTextStages.Pooled, 2) != d)
            throw new InvalidDataException($"{graph}: '{ClipTextStages.PenultimateHiddenState}' and '{ClipTextStages.Pooled}' must be as wide as '{ClipTextStages.LastHiddenState}' ({d})");
        var p = outputs.ContainsKey(ClipTextStages.TextEmbeds) ? Width(ClipTextStages.TextEmbeds, 2) : 0;
        return (l, d, p);
    }
}
