using System.Diagnostics;
using System.Globalization;
using Jano.Export.Onnx;
using Jano.Kernels;
using Jano.Runtime.Devices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Jano.Runtime.Diagnostics;
using Jano.Cli;

namespace Jano.Device;

/// <summary>
/// Our attention kernel on CUDA (float32; ILGPU's PTX launched through the driver API on the step device,
/// exactly as the step loop runs it) against ONNX Runtime's MultiHeadAttention on its CUDA provider
/// (float32 and float16), n queries against N keys, each on buffers already in device memory (ours from
/// the step device, ONNX Runtime's from its CUDA allocator, bound through IOBinding), so neither timing
/// holds a host copy. Median of interleaved runs, each ended by a device synchronisation.
/// </summary>
internal static class CudaAttentionComparison
{
    public static int Run(string[] argv, TextWriter output)
    {
        var a = new DeviceArguments(argv, PositiveOption.NoSwitches);
        int heads = a.PositiveInt("heads", 16), headDim = a.PositiveInt("head-dim", 72), repeats = a.PositiveInt("repeats", 30);
        var shapes = (a.String("shapes") ?? "1024:1024,256:1024,4096:4096,1024:4096")
            .Split(',').Select(s => s.Split(':')).Select(p => (N: int.Parse(p[0]), Keys: int.Parse(p[1]))).ToArray();
        a.EnsureAllUsed();

        using var device = CudaStepDevice.TryCreate(0, out var reason) ?? throw new ArgumentException($"no CUDA step device: {reason}");
        int width = heads * headDim;
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine($"attention on {device.Description}: {heads} heads x {headDim}, batch 1, median of {repeats}");
        output.WriteLine("| queries n | keys N | ours fp32 ms | ORT MHA fp32 ms | ORT MHA fp16 ms | ORT fp32 / ours |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|");
        using var fp32 = new MhaSession(heads, width, OnnxElementType.Float);
        using var fp16 = new MhaSession(heads, width, OnnxElementType.Float16);
        foreach (var (n, keys) in shapes)
        {
            var random = new Random(1);
            float[] Fill(int rows) => Enumerable.Range(0, rows * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            StepBuffer Upload(int rows)
            {
                var buffer = device.Allocate(rows, width);
                device.Upload(Fill(rows), buffer, 0);
                return buffer;
            }
            using var q = Upload(n);
            using var k = Upload(keys);
            using var v = Upload(keys);
            using var o = device.Allocate(n, width);
            var shape = AttentionShape.Create(1, n, keys, keys, heads, headDim);
            void Ours() { device.Attention(q, k, v, o, shape); device.Synchronize(); }
            using var bound32 = fp32.Bind(n, keys);
            using var bound16 = fp16.Bind(n, keys);
            var timings = new[] { new List<double>(), new List<double>(), new List<double>() };
            Action[] runs = [Ours, bound32.Run, bound16.Run];
            for (var w = 0; w < 3; w++) foreach (var run in runs) run();
            for (var r = 0; r < repeats; r++)
                for (var i = 0; i < runs.Length; i++) timings[i].Add(WallClock.Time(runs[i]));
            var m = timings.Select(WallClock.Median).ToArray();
            output.WriteLine(string.Create(inv, $"| {n} | {keys} | {m[0]:F3} | {m[1]:F3} | {m[2]:F3} | {m[1] / m[0]:F2} |"));
        }
        return 0;
    }

    /// <summary>A one-node MultiHeadAttention graph of the given element type on the CUDA provider.</summary>
    private sealed class MhaSession : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly OrtMemoryInfo _cuda = new(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, 0, OrtMemType.Default);
        private readonly OrtAllocator _allocator;
        private readonly TensorElementType _type;
        private readonly int _width;

        public MhaSession(int heads, int width, OnnxElementType type)
        {
            _width = width;
            _type = type == OnnxElementType.Float ? TensorElementType.Float : TensorElementType.Float16;
            using var options = new SessionOptions();
            options.AppendExecutionProvider_CUDA(0);
            _session = new InferenceSession(MultiHeadAttentionGraph.Build(heads, width, type), options);
            _allocator = new OrtAllocator(_session, _cuda);
        }

        public Binding Bind(int n, int keys) => new(this, n, keys);

        public void Dispose()
        {
            _allocator.Dispose();
            _cuda.Dispose();
            _session.Dispose();
        }

        public sealed class Binding : IDisposable
        {
            private readonly MhaSession _owner;
            private readonly OrtIoBinding _binding;
            private readonly OrtValue[] _values;
            private readonly RunOptions _runOptions = new();

            public Binding(MhaSession owner, int n, int keys)
            {
                _owner = owner;
                OrtValue Device(int rows) => OrtValue.CreateAllocatedTensorValue(owner._allocator, owner._type, [1, rows, owner._width]);
                _values = [Device(n), Device(keys), Device(keys), Device(n)];
                _binding = owner._session.CreateIoBinding();
                _binding.BindInput("query", _values[0]);
                _binding.BindInput("key", _values[1]);
                _binding.BindInput("value", _values[2]);
                _binding.BindOutput("output", _values[3]);
            }

            public void Run()
            {
                _owner._session.RunWithBinding(_runOptions, _binding);
                _binding.SynchronizeBoundOutputs();
            }

            public void Dispose()
            {
                _binding.Dispose();
                foreach (var v in _values) v.Dispose();
                _runOptions.Dispose();
            }
        }
    }
}
