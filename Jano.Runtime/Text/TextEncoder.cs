using System.Numerics.Tensors;
using Jano.Core.Packages;
using Jano.Runtime.Conditioning;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Text;

/// <summary>
/// Turns a prompt into per-token hidden states with all-MiniLM-L6-v2 on ONNX Runtime. One prompt is
/// encoded at a time, unpadded; results are cached per prompt for the life of the instance, because
/// a generation run encodes the same prompt (and the empty, unconditional one) again and again.
/// Thread-safe. As an <see cref="ITextEncoder"/> it gives the same states, every row a real token.
/// </summary>
public sealed class TextEncoder : ITextEncoder
{
    private const string InputIdsName = "input_ids";
    private const string AttentionMaskName = "attention_mask";
    private const string TokenTypeIdsName = "token_type_ids";
    private const string OutputName = "last_hidden_state";

    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames = [OutputName];
    private readonly Dictionary<string, TextEmbedding> _cache = new(StringComparer.Ordinal);
    private readonly Lock _cacheLock = new();
    private bool _disposed;

    private TextEncoder(InferenceSession session, MiniLmTokenizer tokenizer, int maxTokens, bool truncate)
    {
        _session = session;
        Tokenizer = tokenizer;
        MaxTokens = maxTokens;
        Truncate = truncate;
        _inputNames = ValidateInputs(session);
        HiddenSize = ValidateOutput(session);
    }

    /// <summary>The MiniLM model and vocabulary from the package assembly the build copies (see <see cref="MiniLmFiles"/>).</summary>
    /// <exception cref="FileNotFoundException">The package assembly is missing; the message says where it was expected.</exception>
    public static TextEncoder CreateDefault(TextEncoderOptions? options = null)
    {
        options ??= new TextEncoderOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxTokens, 2, nameof(options.MaxTokens));
        var path = MiniLmFiles.LocatePackageAssembly(options.PackageAssemblyPath);

        MiniLmTokenizer tokenizer;
        using (var vocabulary = new MemoryStream(MiniLmFiles.ReadVocabulary(path), writable: false))
            tokenizer = new MiniLmTokenizer(vocabulary);

        using var sessionOptions = new SessionOptions();
        if (options.IntraOpThreads is int threads)
            sessionOptions.IntraOpNumThreads = threads;
        options.ConfigureSession?.Invoke(sessionOptions);
        var session = new InferenceSession(MiniLmFiles.ReadModel(path), sessionOptions);
        try
        {
            return new TextEncoder(session, tokenizer, options.MaxTokens, options.Truncate);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public MiniLmTokenizer Tokenizer { get; }

    /// <summary>The manifest's textEncoders kind.</summary>
    public string Kind => TextEncoderComponent.MiniLm;

    /// <summary>Width of one token's hidden state (384 for MiniLM).</summary>
    public int HiddenSize { get; }

    public int MaxTokens { get; }

    public bool Truncate { get; }

    /// <summary>
    /// Hidden states of <paramref name="prompt"/>; the empty prompt is the unconditional caption
    /// ([CLS][SEP], 2 tokens). The same prompt returns the same cached instance.
    /// </summary>
    /// <exception cref="PromptTooLongException">More than <see cref="MaxTokens"/> tokens and truncation is off.</exception>
    public TextEmbedding Encode(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_cacheLock)
        {
            if (_cache.TryGetValue(prompt, out var cached))
                return cached;
        }

        var embedding = Run(Tokenizer.Encode(prompt, MaxTokens, Truncate));
        lock (_cacheLock)
        {
            // Another thread may have encoded the same prompt meanwhile; keep the first so that
            // every caller sees one instance.
            if (_cache.TryGetValue(prompt, out var cached))
                return cached;
            _cache[prompt] = embedding;
            return embedding;
        }
    }

    /// <summary>
    /// <see cref="Encode(string)"/> as conditioning: the same (cached) states and ids, unpadded, so the
    /// mask is all true; no pooled vector (the manifest's MiniLM outputs only states).
    /// </summary>
    TextConditioning ITextEncoder.Encode(string prompt)
    {
        var embedding = Encode(prompt);
        var mask = new bool[embedding.TokenCount];
        Array.Fill(mask, true);
        return new TextConditioning(embedding.TokenIds, embedding.HiddenStates, mask, embedding.HiddenSize);
    }

    /// <summary>
    /// The mean of all token states (as sentence-transformers pools MiniLM), [HiddenSize]. For
    /// comparing prompts in tests and evaluation; generation uses the per-token states.
    /// </summary>
    public static float[] MeanPooled(TextEmbedding embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        var mean = new float[embedding.HiddenSize];
        for (int t = 0; t < embedding.TokenCount; t++)
            TensorPrimitives.Add(mean, embedding.Row(t), mean);
        TensorPrimitives.Divide(mean, embedding.TokenCount, mean);
        return mean;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _session.Dispose();
    }

    private TextEmbedding Run(int[] tokenIds)
    {
        int length = tokenIds.Length;
        long[] shape = [1, length];
        var ids = Array.ConvertAll(tokenIds, id => (long)id);
        // One unpadded prompt: every position is attended to and belongs to sentence A.
        var mask = new long[length];
        Array.Fill(mask, 1L);
        var tokenTypes = new long[length];

        var inputs = new List<OrtValue>(_inputNames.Length);
        try
        {
            foreach (var name in _inputNames)
            {
                var data = name switch
                {
                    InputIdsName => ids,
                    AttentionMaskName => mask,
                    _ => tokenTypes,
                };
                inputs.Add(OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            using var runOptions = new RunOptions();
            using var outputs = _session.Run(runOptions, _inputNames, inputs, _outputNames);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            if (hidden.Length != length * HiddenSize)
                throw new InvalidDataException(
                    $"Text encoder returned {hidden.Length} values for {length} tokens; expected {length} × {HiddenSize}.");
            return new TextEmbedding(tokenIds, hidden.ToArray(), HiddenSize);
        }
        finally
        {
            foreach (var value in inputs)
                value.Dispose();
        }
    }

    private static string[] ValidateInputs(InferenceSession session)
    {
        var known = new[] { InputIdsName, AttentionMaskName, TokenTypeIdsName };
        var unknown = session.InputMetadata.Keys.Except(known).ToList();
        if (unknown.Count > 0 || !session.InputMetadata.ContainsKey(InputIdsName))
            throw new InvalidDataException(
                $"Text encoder model has inputs [{string.Join(", ", session.InputMetadata.Keys)}]; " +
                $"expected input_ids and optionally attention_mask, token_type_ids.");
        return session.InputMetadata.Keys.ToArray();
    }

    private static int ValidateOutput(InferenceSession session)
    {
        if (!session.OutputMetadata.TryGetValue(OutputName, out var output) || output.Dimensions.Length != 3 || output.Dimensions[2] <= 0)
            throw new InvalidDataException(
                $"Text encoder model needs output '{OutputName}' shaped [batch, tokens, hidden] with a fixed hidden size.");
        return output.Dimensions[2];
    }
}
