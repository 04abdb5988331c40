namespace Jano.Export.Onnx;

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name such as "n".</summary>
public readonly record struct OnnxDim(long? Value, string? Symbol)
{
    public static OnnxDim Fixed(long value) => new(value, null);
    public static OnnxDim Named(string symbol) => new(null, symbol);

    public static implicit operator OnnxDim(long value) => Fixed(value);
    public static implicit operator OnnxDim(int value) => Fixed(value);
    public static implicit operator OnnxDim(string symbol) => Named(symbol);

    public override string ToString() => Symbol ?? Value!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
