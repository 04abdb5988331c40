namespace Jano.Export.Onnx;

/// <summary>Op helpers: each emits the standard ONNX op(s) and returns the output value name.</summary>
public sealed partial class OnnxGraphBuilder
{
    public string Add(string a, string b, string hint = "add") => Node("Add", hint, [a, b]);
    public string Sub(string a, string b, string hint = "sub") => Node("Sub", hint, [a, b]);
    public string Mul(string a, string b, string hint = "mul") => Node("Mul", hint, [a, b]);
    public string MatMul(string a, string b, string hint = "matmul") => Node("MatMul", hint, [a, b]);
    public string Sigmoid(string x, string hint = "sigmoid") => Node("Sigmoid", hint, [x]);
    public string Sin(string x, string hint = "sin") => Node("Sin", hint, [x]);
    public string Cos(string x, string hint = "cos") => Node("Cos", hint, [x]);

    public string Div(string a, string b, string hint = "div") => Node("Div", hint, [a, b]);
    public string Pow(string x, string exponent, string hint = "pow") => Node("Pow", hint, [x, exponent]);
    public string Sqrt(string x, string hint = "sqrt") => Node("Sqrt", hint, [x]);
    public string Relu(string x, string hint = "relu") => Node("Relu", hint, [x]);

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)) (opset 20 Gelu, approximate "none"), as PyTorch's gelu().</summary>
    public string GeluExact(string x, string hint = "gelu") => Node("Gelu", hint, [x]);

    /// <summary>Rows of <paramref name="data"/> picked by integer <paramref name="indices"/> along <paramref name="axis"/> (embedding lookups, table reads).</summary>
    public string Gather(string data, string indices, long axis = 0, string hint = "gather") =>
        Node("Gather", hint, [data, indices], OnnxAttribute.Int("axis", axis));

    /// <summary>Mean over <paramref name="axes"/> (opset 18: axes are an input), keeping the reduced axes as size 1 unless told otherwise.</summary>
    public string ReduceMean(string x, long[] axes, bool keepDims = true, string hint = "mean") =>
        Node("ReduceMean", hint, [x, Int64Vector(axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>The shape of <paramref name="x"/> as a 1-D int64 tensor.</summary>
    public string Shape(string x, string hint = "shape") => Node("Shape", hint, [x]);

    /// <summary>Dimension <paramref name="axis"/> of <paramref name="x"/> as an int64 scalar (for Range).</summary>
    public string Dim(string x, long axis, string hint = "dim") =>
        Gather(Shape(x, hint + ".shape"), Int64Scalar(axis), 0, hint);

    /// <summary>[start, start + delta, ...) below <paramref name="limit"/>; all three are scalars of one type.</summary>
    public string Range(string start, string limit, string delta, string hint = "range") => Node("Range", hint, [start, limit, delta]);

    /// <summary>x clamped to [min, max]; min and max are scalars of x's type.</summary>
    public string Clip(string x, string min, string max, string hint = "clip") => Node("Clip", hint, [x, min, max]);

    /// <summary>An int64 scalar (rank 0) shared by every node that needs it (Range bounds, Gather of one index, Clip limits).</summary>
    public string Int64Scalar(long value)
    {
        var key = $"i64s:{value}";
        if (!_sharedConstants.TryGetValue(key, out var name))
        {
            name = InitializerInt64("const_i64_scalar", [value]);
            _sharedConstants[key] = name;
        }
        return name;
    }

    /// <summary>A float32 scalar (rank 0) whatever the compute type, shared: exponents, epsilons, mask values of float32 sub-computations.</summary>
    public string Float32Scalar(float value)
    {
        var key = $"f32s:{value:R}";
        if (!_sharedConstants.TryGetValue(key, out var name))
        {
            name = InitializerFloat32("const_f32_scalar", [value]);
            ParameterCount -= 1; // constants are not model parameters
            _sharedConstants[key] = name;
        }
        return name;
    }

    /// <summary>SiLU as x·sigmoid(x); ONNX Runtime fuses the pair into one kernel.</summary>
    public string Silu(string x, string hint = "silu") => Mul(x, Sigmoid(x, hint + ".sigmoid"), hint);

    /// <summary>GELU with the tanh approximation (opset 20 Gelu), as PyTorch's gelu(approximate="tanh").</summary>
    public string GeluTanh(string x, string hint = "gelu") =>
        Node("Gelu", hint, [x], OnnxAttribute.String("approximate", "tanh"));

    /// <summary>
    /// LayerNormalization over the last axis without learned affine (scale 1, bias 0). stash_type 1:
    /// mean and variance are computed in float32 even when x is float16.
    /// </summary>
    public string LayerNorm(string x, long width, float epsilon, string hint = "norm") =>
        Node("LayerNormalization", hint, [x, FilledFloat(1f, width), FilledFloat(0f, width)],
            OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon), OnnxAttribute.Int("stash_type", 1));

    public string Cast(string x, OnnxElementType to, string hint = "cast") =>
        Node("Cast", hint, [x], OnnxAttribute.Int("to", (long)to));

    /// <summary>A float32 value (graph input, fp32 sub-computation) in the compute type; no node when they are the same.</summary>
    public string ToCompute(string x) => IsHalf ? Cast(x, Compute, x + ".half") : x;

    /// <summary>A compute-type value as float32 (graph outputs, softmax); no node when they are the same.</summary>
    public string ToFloat32(string x) => IsHalf ? Cast(x, OnnxElementType.Float, x + ".float") : x;

    public string Reshape(string x, long[] shape, string hint = "reshape") =>
        Node("Reshape", hint, [x, Int64Vector(shape)]);

    public string Transpose(string x, long[] perm, string hint = "transpose") =>
        Node("Transpose", hint, [x], OnnxAttribute.Ints("perm", perm));

    public string Softmax(string x, long axis = -1, string hint = "softmax") =>
        Node("Softmax", hint, [x], OnnxAttribute.Int("axis", axis));

    public string Concat(IReadOnlyList<string> parts, long axis, string hint = "concat") =>
        Node("Concat", hint, parts, OnnxAttribute.Int("axis", axis));

    public string Unsqueeze(string x, long[] axes, string hint = "unsqueeze") =>
        Node("Unsqueeze", hint, [x, Int64Vector(axes)]);

    /// <summary>Splits <paramref name="x"/> into equal parts along <paramref name="axis"/>.</summary>
    public string[] Split(string x, long axis, long[] sizes, IReadOnlyList<string> hints) =>
        NodeMulti("Split", hints, [x, Int64Vector(sizes)], OnnxAttribute.Int("axis", axis));

    /// <summary>x[..., start:end] along one axis.</summary>
    public string Slice(string x, long axis, long start, long end, string hint = "slice") =>
        Node("Slice", hint, [x, Int64Vector(start), Int64Vector(end), Int64Vector(axis)]);

    /// <summary>
    /// ONNX Runtime's MultiHeadAttention contrib op (com.microsoft): query [B, n, D] against key and
    /// value [B, m, D], scale 1/√(D / heads).
    /// </summary>
    public string MultiHeadAttention(string query, string key, string value, int heads, string hint = "attention") =>
        DomainNode(MicrosoftDomain, 1, "MultiHeadAttention", hint, [query, key, value], OnnxAttribute.Int("num_heads", heads));

    /// <summary>
    /// A linear layer y = x·Wᵀ + b with PyTorch's weight layout [out, in]. The weight is stored
    /// transposed ([in, out]) so the graph is one MatMul plus one Add, which ONNX Runtime fuses.
    /// </summary>
    public string Linear(string x, float[] weight, float[]? bias, int inFeatures, int outFeatures, string name)
    {
        var transposed = TransposeMatrix(weight, outFeatures, inFeatures);
        var w = Initializer(name + ".weight", transposed, inFeatures, outFeatures);
        var y = MatMul(x, w, name + ".matmul");
        if (bias is null) return y;
        var b = Initializer(name + ".bias", bias, outFeatures);
        return Add(y, b, name);
    }


    /// <summary>
    /// A 2-D convolution with stride 1 and zero padding k/2 on each side (PyTorch's Conv2d(k, padding=k/2)
    /// for odd k: the spatial size is kept). The weight keeps PyTorch's layout [out, in, k, k], which is ONNX's.
    /// </summary>
    public string Conv2d(string x, float[] weight, float[]? bias, int inChannels, int outChannels, int kernel, string name)
    {
        if (kernel % 2 != 1) throw new ArgumentException($"conv '{name}': kernel {kernel} must be odd for 'same' padding");
        var w = Initializer(name + ".weight", weight, outChannels, inChannels, kernel, kernel);
        string[] inputs = bias is null ? [x, w] : [x, w, Initializer(name + ".bias", bias, outChannels)];
        long pad = kernel / 2;
        return Node("Conv", name, inputs,
            OnnxAttribute.Ints("kernel_shape", kernel, kernel), OnnxAttribute.Ints("pads", pad, pad, pad, pad), OnnxAttribute.Ints("strides", 1, 1));
    }

    /// <summary>
    /// PyTorch's GroupNorm over x [B, C, *spatial] with a per-channel affine. Emitted as the classic
    /// decomposition: reshape to [B, groups, rest], InstanceNormalization (one mean and variance per
    /// group, population variance, eps inside the root, as GroupNorm), reshape back, scale and shift.
    /// InstanceNormalization has an efficient kernel in every ONNX Runtime provider, unlike
    /// GroupNormalization-21, which ONNX Runtime expands into a chain of reductions. The statistics are
    /// always float32: a float16 graph casts around the normalisation (sums over 64² positions overflow
    /// or lose digits in half), the affine runs in the compute type.
    /// </summary>
    public string GroupNorm(string x, int groups, float[] scale, float[] shift, float epsilon, string name)
    {
        var channels = scale.Length;
        if (shift.Length != channels || channels % groups != 0)
            throw new ArgumentException($"group norm '{name}': {channels} scales, {shift.Length} shifts, {groups} groups");
        var grouped = Reshape(ToFloat32(x), [0, groups, -1], name + ".grouped");
        var normed = Node("InstanceNormalization", name + ".normalized",
            [grouped, Float32Constant(Enumerable.Repeat(1f, groups).ToArray(), groups), Float32Constant(new float[groups], groups)],
            OnnxAttribute.Float("epsilon", epsilon));
        var back = ToCompute(Node("Reshape", name + ".ungrouped", [normed, Shape(x, name + ".shape")]));
        var s = Initializer(name + ".weight", scale, channels, 1, 1);
        var b = Initializer(name + ".bias", shift, channels, 1, 1);
        return Add(Mul(back, s, name + ".scaled"), b, name);
    }

    /// <summary>
    /// Nearest-neighbour upsampling by 2 along both spatial axes of [B, C, H, W], as PyTorch's
    /// F.interpolate(scale_factor=2, mode="nearest"): output pixel (y, x) reads input (⌊y/2⌋, ⌊x/2⌋).
    /// </summary>
    public string UpsampleNearest2x(string x, string hint = "upsample") =>
        Node("Resize", hint, [x, "", Float32Constant([1f, 1f, 2f, 2f], 4)],
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"));

    /// <summary>Row-major [rows, cols] → [cols, rows].</summary>
    public static float[] TransposeMatrix(float[] m, int rows, int cols)
    {
        if (m.Length != (long)rows * cols)
            throw new ArgumentException($"matrix has {m.Length} values, expected {rows}×{cols}");
        var t = new float[m.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++)
                t[(long)c * rows + r] = m[(long)r * cols + c];
        return t;
    }
}
