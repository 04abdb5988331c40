using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// An exported T5 encoder graph (Jano.Export's T5EncoderGraph) on ONNX Runtime: input_ids and
/// attention_mask [batch, tokens] int64 → last_hidden_state [batch, tokens, D] float32. Loaded from
/// its path so weights in an external-data file beside it (graphs above 1 GiB) are found.
/// Thread-safe (ONNX Runtime sessions run concurrently).
/// </summary>
public sealed class T5EncoderSession : IDisposable
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string LastHiddenState = "last_hidden_state";

    private static readonly string[] InputNames = [InputIds, AttentionMask];
    private static readonly string[] OutputNames = [LastHiddenState];
    private readonly InferenceSession _session;

    /// <param name="configure">Called on the session options before the session is created (threads, execution provider).</param>
    public T5EncoderSession(string graphPath, Action<SessionOptions>? configure = null)
    {
        if (!File.Exists(graphPath))
            throw new FileNotFoundException($"T5 encoder graph {graphPath} not found", graphPath);
        using var options = new SessionOptions();
        configure?.Invoke(options);
        _session = new InferenceSession(graphPath, options);
        try
        {
            HiddenSize = Validate(_session, graphPath);
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        GraphPath = graphPath;
    }

    public string GraphPath { get; }

    /// <summary>D, the width of last_hidden_state (the graph's fixed last dimension).</summary>
    public int HiddenSize { get; }

    /// <summary>States of <paramref name="batch"/> sequences of equal length laid out row-major in ids and mask: [batch, tokens, D].</summary>
    public float[] Run(long[] ids, long[] mask, int batch = 1)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (ids.Length != mask.Length || ids.Length % batch != 0 || ids.Length == 0)
            throw new ArgumentException($"{ids.Length} ids and {mask.Length} mask entries do not make {batch} equal non-empty sequences");
        long[] shape = [batch, ids.Length / batch];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, InputNames, [idsValue, maskValue], OutputNames);
        var states = outputs[0].GetTensorDataAsSpan<float>();
        if (states.Length != (long)ids.Length * HiddenSize)
            throw new InvalidDataException($"{GraphPath}: returned {states.Length} values for {ids.Length} tokens; expected {ids.Length} × {HiddenSize}");
        return states.ToArray();
    }

    public void Dispose() => _session.Dispose();

    private static int Validate(InferenceSession session, string path)
    {
        var inputs = session.InputMetadata;
        if (inputs.Count != 2 || !inputs.TryGetValue(InputIds, out var ids) || !inputs.TryGetValue(AttentionMask, out var mask)
            || ids.ElementDataType != TensorElementType.Int64 || mask.ElementDataType != TensorElementType.Int64)
            throw new InvalidDataException(
                $"{path}: a T5 encoder graph takes int64 '{InputIds}' and '{AttentionMask}'; this one takes [{string.Join(", ", inputs.Select(i => $"{i.Key}: {i.Value.ElementDataType}"))}]");
        if (!session.OutputMetadata.TryGetValue(LastHiddenState, out var output) || output.Dimensions.Length != 3 || output.Dimensions[2] <= 0)
            throw new InvalidDataException($"{path}: a T5 encoder graph has output '{LastHiddenState}' [batch, tokens, D] with a fixed D");
        return output.Dimensions[2];
    }
}
