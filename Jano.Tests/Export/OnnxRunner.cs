using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Jano.Tests.Export;

/// <summary>Runs one ONNX file on ONNX Runtime's CPU provider with named float inputs (test helper).</summary>
public static class OnnxRunner
{
    public static Dictionary<string, float[]> Run(string path, params (string Name, float[] Data, int[] Shape)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        var values = inputs.Select(i => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(i.Data, i.Shape))).ToList();
        using var results = session.Run(values);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }
}
