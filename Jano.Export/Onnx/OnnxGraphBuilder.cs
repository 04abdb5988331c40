using Google.Protobuf;
using Jano.Export.Onnx.Proto;

namespace Jano.Export.Onnx;

/// <summary>
/// Builds one ONNX graph: inputs with symbolic dimensions, named initializers, nodes and outputs.
/// Value names are made unique here so that callers can pass readable hints ("blocks.0.q") without
/// tracking what already exists. The op helpers emit the fused forms ONNX Runtime optimises well
/// (LayerNormalization, Gelu with tanh approximation, one MatMul per linear layer).
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    /// <summary>ONNX opset 21 (IR version 10): LayerNormalization (17) and Gelu (20) are both standard.</summary>
    public const int Opset = 21;
    public const long IrVersion = 10;

    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sharedConstants = new(StringComparer.Ordinal);
    private int _nodeCounter;
    private readonly Dictionary<string, long> _extraDomains = new(StringComparer.Ordinal);

    /// <summary>Microsoft's contrib-op domain (MultiHeadAttention and friends), version 1.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <param name="compute">Element type of weights and activations: Float, or Float16 for half-precision
    /// packages (graph inputs and outputs stay float32; <see cref="ToCompute"/> and <see cref="ToFloat32"/> cast at the edges).</param>
    public OnnxGraphBuilder(string graphName, OnnxElementType compute = OnnxElementType.Float)
    {
        if (compute is not (OnnxElementType.Float or OnnxElementType.Float16))
            throw new ArgumentException($"compute type must be Float or Float16, got {compute}");
        _graph = new GraphProto { Name = graphName };
        Compute = compute;
    }

    public string GraphName => _graph.Name;

    /// <summary>The element type of initializers and of the activations between the edge casts.</summary>
    public OnnxElementType Compute { get; }

    public bool IsHalf => Compute == OnnxElementType.Float16;

    /// <summary>Number of float parameters held as initializers (for reports).</summary>
    public long ParameterCount { get; private set; }

    public string Input(string name, OnnxElementType type, params OnnxDim[] dims)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a graph output called <paramref name="outputName"/>.</summary>
    public void Output(string value, string outputName, OnnxElementType type, params OnnxDim[] dims)
    {
        if (value != outputName)
        {
            // An inner value may already carry the name (a float16 graph casts its "hidden" to the
            // float32 output "hidden"): the inner one is renamed, the interface keeps the name.
            if (_names.Contains(outputName)) RenameValue(outputName, Unique(outputName + ".inner"));
            else Claim(outputName);
            AddNode("Identity", [value], [outputName]);
        }
        _graph.Output.Add(ValueInfo(outputName, type, dims));
    }

    /// <summary>A weight in the compute type (float16 packages round each value to the nearest half).</summary>
    public string Initializer(string hint, float[] data, params long[] dims) => TypedInitializer(hint, data, Compute, dims);

    /// <summary>A float32 weight whatever the compute type: values a half cannot hold well (timestep frequencies).</summary>
    public string InitializerFloat32(string hint, float[] data, params long[] dims) => TypedInitializer(hint, data, OnnxElementType.Float, dims);

    private string TypedInitializer(string hint, float[] data, OnnxElementType type, long[] dims)
    {
        CheckCount(hint, data.Length, dims);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("ONNX raw_data is little-endian; big-endian hosts are not supported.");
        var name = Unique(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)type };
        tensor.Dims.AddRange(dims);
        byte[] bytes;
        if (type == OnnxElementType.Float16)
        {
            var halves = new Half[data.Length];
            for (var i = 0; i < data.Length; i++) halves[i] = (Half)data[i];
            bytes = new byte[data.Length * 2];
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(halves.AsSpan()).CopyTo(bytes);
        }
        else
        {
            bytes = new byte[data.Length * sizeof(float)];
            Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        }
        tensor.RawData = ByteString.CopyFrom(bytes);
        _graph.Initializer.Add(tensor);
        ParameterCount += data.Length;
        return name;
    }

    public string InitializerInt64(string hint, long[] data, params long[] dims)
    {
        CheckCount(hint, data.Length, dims);
        var name = Unique(hint);
        var tensor = new TensorProto { Name = name, DataType = (int)OnnxElementType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.Int64Data.AddRange(data);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A 1-D int64 constant shared by every node that needs the same values (shapes, axes).</summary>
    public string Int64Vector(params long[] values)
    {
        var key = "i64:" + string.Join(',', values);
        if (!_sharedConstants.TryGetValue(key, out var name))
        {
            name = InitializerInt64("const_i64", values, values.Length);
            _sharedConstants[key] = name;
        }
        return name;
    }

    /// <summary>A float constant filled with one value, shared by every node that needs it.</summary>
    public string FilledFloat(float value, params long[] dims)
    {
        var key = $"f32:{value:R}:{string.Join(',', dims)}";
        if (!_sharedConstants.TryGetValue(key, out var name))
        {
            long count = 1;
            foreach (var d in dims) count *= d;
            var data = new float[count];
            Array.Fill(data, value);
            name = Initializer("const_f32", data, dims);
            ParameterCount -= count; // constants are not model parameters
            _sharedConstants[key] = name;
        }
        return name;
    }

    /// <summary>
    /// A float32 constant whatever the compute type, shared by every node that needs the same values: op
    /// arguments ONNX types as float (Resize scales) and the unit affine of float32 normalisations.
    /// </summary>
    public string Float32Constant(float[] values, params long[] dims)
    {
        var key = $"c32:{string.Join(',', values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}:{string.Join(',', dims)}";
        if (!_sharedConstants.TryGetValue(key, out var name))
        {
            name = TypedInitializer("const_f32", values, OnnxElementType.Float, dims);
            ParameterCount -= values.Length; // constants are not model parameters
            _sharedConstants[key] = name;
        }
        return name;
    }

    /// <summary>Adds a node with one output named after <paramref name="hint"/>; returns the output name.</summary>
    public string Node(string opType, string hint, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        var output = Unique(hint);
        AddNode(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>Adds a node of a non-standard operator domain (imported into the model at version <paramref name="version"/>).</summary>
    public string DomainNode(string domain, long version, string opType, string hint, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        _extraDomains[domain] = version;
        var output = Unique(hint);
        AddNode(opType, inputs, [output], attributes);
        _graph.Node[^1].Domain = domain;
        return output;
    }

    /// <summary>Adds a node with several outputs; returns their names in order.</summary>
    public string[] NodeMulti(string opType, IReadOnlyList<string> hints, IReadOnlyList<string> inputs, params AttributeProto[] attributes)
    {
        var outputs = hints.Select(Unique).ToArray();
        AddNode(opType, inputs, outputs, attributes);
        return outputs;
    }

    public ModelProto Build(string docString = "")
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Jano.Export",
            ProducerVersion = "1",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (domain, version) in _extraDomains)
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        return model;
    }

    private void AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{_nodeCounter++}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, OnnxDim[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim.Symbol is not null) d.DimParam = dim.Symbol;
            else d.DimValue = dim.Value!.Value;
            shape.Dim.Add(d);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }

    private static void CheckCount(string hint, long count, long[] dims)
    {
        long expected = 1;
        foreach (var d in dims) expected *= d;
        if (expected != count)
            throw new ArgumentException($"initializer '{hint}': {count} values do not fill shape [{string.Join(", ", dims)}]");
    }

    private void RenameValue(string from, string to)
    {
        if (_graph.Input.Any(i => i.Name == from) || _graph.Initializer.Any(i => i.Name == from))
            throw new ArgumentException($"graph '{_graph.Name}': '{from}' is an input or initializer and cannot also name an output");
        foreach (var node in _graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
            for (var i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
        }
    }

    private void Claim(string name)
    {
        if (!_names.Add(name))
            throw new ArgumentException($"graph '{_graph.Name}' already has a value named '{name}'");
    }

    private string Unique(string hint)
    {
        if (_names.Add(hint)) return hint;
        for (var i = 1; ; i++)
        {
            var candidate = $"{hint}_{i}";
            if (_names.Add(candidate)) return candidate;
        }
    }
}
