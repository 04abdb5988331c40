using Jano.Core.Packages;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// A T5 (or umT5) prompt encoder from a package: the SentencePiece tokenizer (<see cref="T5Tokenizer"/>)
/// and the exported encoder graph (<see cref="T5EncoderSession"/>). A manifest entry of kind "t5" names
/// its files: <c>graph</c> (the ONNX graph, with its <c>.data</c> file beside it when the weights are
/// external) and <c>tokenizer</c> (one file: the spiece.model), both relative to the package folder,
/// as Jano.Export's T5Exporter writes them. Prompts are cached; thread-safe.
/// </summary>
public sealed class T5TextEncoder : ITextEncoder
{
    /// <summary>The manifest's textEncoders kind.</summary>
    public const string KindName = "t5";

    private readonly T5Tokenizer _tokenizer;
    private readonly T5EncoderSession _session;
    private readonly T5TextEncoderOptions _options;
    private readonly Dictionary<string, TextConditioning> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();
    private bool _disposed;

    public T5TextEncoder(string graphPath, string spiecePath, int maxTokens, T5TextEncoderOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        _options = options ?? new T5TextEncoderOptions();
        _tokenizer = T5Tokenizer.Load(spiecePath);
        _session = new T5EncoderSession(graphPath, o =>
        {
            if (_options.IntraOpThreads is int threads) o.IntraOpNumThreads = threads;
            _options.ConfigureSession?.Invoke(o);
        });
        MaxTokens = maxTokens;
    }

    /// <summary>The encoder a manifest entry describes, its files resolved in <paramref name="packageFolder"/>.</summary>
    /// <exception cref="InvalidDataException">The entry is not a T5 encoder or lacks its files; the message names the field.</exception>
    public static T5TextEncoder Open(TextEncoderComponent component, string packageFolder, T5TextEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(component);
        options ??= new T5TextEncoderOptions();
        if (component.Kind != KindName)
            throw new InvalidDataException($"textEncoders: kind is '{component.Kind}', not '{KindName}'");
        if (string.IsNullOrEmpty(component.Graph))
            throw new InvalidDataException($"textEncoders ({component.Name}): a '{KindName}' encoder needs 'graph' (its ONNX file)");
        if (component.Tokenizer is not [var tokenizerFile])
            throw new InvalidDataException($"textEncoders ({component.Name}): a '{KindName}' encoder needs 'tokenizer' with one file, its spiece.model");
        if (component.MaxTokens < 1)
            throw new InvalidDataException($"textEncoders ({component.Name}): 'maxTokens' is {component.MaxTokens}; it must be at least 1");
        var encoder = new T5TextEncoder(Path.Combine(packageFolder, component.Graph), Path.Combine(packageFolder, tokenizerFile), component.MaxTokens, options);
        if (encoder.HiddenSize != component.HiddenSize)
        {
            encoder.Dispose();
            throw new InvalidDataException($"textEncoders ({component.Name}): 'hiddenSize' is {component.HiddenSize} but {component.Graph} outputs {encoder.HiddenSize}");
        }
        return encoder;
    }

    public string Kind => KindName;

    public int HiddenSize => _session.HiddenSize;

    public int MaxTokens { get; }

    public T5Tokenizer Tokenizer => _tokenizer;

    /// <summary>
    /// States of <paramref name="prompt"/> framed as T5 (pieces, &lt;/s&gt;, padding); the empty prompt is
    /// &lt;/s&gt; alone, the unconditional caption of diffusers' PixArt pipelines. No pooled vector (T5 has none).
    /// </summary>
    public TextConditioning Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_cacheLock)
            if (_cache.TryGetValue(prompt, out var cached)) return cached;

        var attendAll = _options.AttendToPadding;
        var tokens = _tokenizer.Encode(prompt, MaxTokens, _options.Truncate, _options.PadToMaxTokens || attendAll);
        var mask = attendAll ? Array.ConvertAll(tokens.Mask, _ => 1L) : tokens.Mask;
        var states = _session.Run(tokens.Ids, mask);
        var result = new TextConditioning(Array.ConvertAll(tokens.Ids, id => (int)id), states, Array.ConvertAll(mask, m => m == 1), HiddenSize);
        lock (_cacheLock)
        {
            // Another thread may have encoded the same prompt meanwhile; every caller sees the first.
            if (_cache.TryGetValue(prompt, out var cached)) return cached;
            _cache[prompt] = result;
            return result;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
