using Jano.Kernels;
using Jano.Runtime;
using Jano.Runtime.Devices;
using Jano.Runtime.Pipeline;
using Jano.Tests.Export;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Tests.Runtime.Devices;

/// <summary>
/// ONNX Runtime copies an input bound in another device's memory to the session's device at bind time
/// (IOBinding::BindInput → CopyOneInputAcrossDevices): host buffers under the CUDA provider. A host
/// device that emulates that copy (it binds a snapshot of the buffer) must still give the host
/// pipeline's images, because the runtime binds such inputs again before every run.
/// </summary>
[TestFixture]
public sealed class BindTimeCopyTests
{
    private TinyPixArt _model = null!;

    [OneTimeSetUp]
    public void Export()
    {
        _model = new TinyPixArt(layers: 2, heads: 2, headDim: 8, sample: 8, patch: 2, inChannels: 1, outChannels: 1, caption: 384, seed: 12);
        _model.Export();
    }

    [OneTimeTearDown]
    public void Cleanup() => _model.Dispose();

    private float[] Generate(IStepDevice? device)
    {
        var options = new RuntimeOptions { Threads = 1 };
        using var pipeline = device is null ? TextToImagePipeline.Open(_model.Package, options) : TextToImagePipeline.Open(_model.Package, options, device);
        return pipeline.Generate(new GenerationRequest { Prompt = "a sandal", Seed = 3, Steps = 6 }).Image;
    }

    [Test]
    public void InputsCopiedAtBindAreBoundAgainForEveryRun()
    {
        var host = Generate(null);
        Assert.That(Generate(new SnapshotAtBindDevice(declaresIt: true)), Is.EqualTo(host));
    }

    [Test]
    public void TheEmulatedCopyIsRealWithoutRebindingTheImagesGoStale()
    {
        // The same device that does not say so: bound once, every run reads the values of bind time.
        var stale = Generate(new SnapshotAtBindDevice(declaresIt: false));
        Assert.That(TestData.MaxAbsDiff(stale, Generate(null)), Is.GreaterThan(1e-3));
    }

    /// <summary>Host memory, but every bound input is a copy taken when it is bound, as ONNX Runtime does across devices.</summary>
    private sealed class SnapshotAtBindDevice(bool declaresIt) : IStepDevice
    {
        private readonly HostStepDevice _host = new();
        private readonly Dictionary<(OrtIoBinding, string), OrtValue> _snapshots = [];

        public string Description => "host memory, inputs copied at bind time";
        public nint? ComputeStream => null;
        public bool InputsCopiedAtBind => declaresIt;

        public void BindInput(OrtIoBinding binding, string name, OrtValue value)
        {
            var shape = value.GetTensorTypeAndShape().Shape;
            var copy = OrtValue.CreateTensorValueFromMemory(value.GetTensorDataAsSpan<float>().ToArray(), shape);
            binding.BindInput(name, copy);
            if (_snapshots.Remove((binding, name), out var previous)) previous.Dispose();
            _snapshots[(binding, name)] = copy;
        }

        public StepBuffer Allocate(int rows, int width) => _host.Allocate(rows, width);
        public void Upload(ReadOnlySpan<float> source, StepBuffer destination, long offset) => _host.Upload(source, destination, offset);
        public void Download(StepBuffer source, long offset, Span<float> destination) => _host.Download(source, offset, destination);
        public void Copy(StepBuffer source, long sourceOffset, StepBuffer destination, long destinationOffset, long count) => _host.Copy(source, sourceOffset, destination, destinationOffset, count);
        public void GatherRows(StepBuffer source, ReadOnlySpan<int> indices, StepBuffer destination, RowShape shape) => _host.GatherRows(source, indices, destination, shape);
        public void Attention(StepBuffer q, StepBuffer k, StepBuffer v, StepBuffer o, AttentionShape shape) => _host.Attention(q, k, v, o, shape);
        public void Synchronize() { }

        public void Dispose()
        {
            foreach (var s in _snapshots.Values) s.Dispose();
            _host.Dispose();
        }
    }
}
