using System.Globalization;
using System.Runtime.InteropServices;
using Jano.Core.IO;
using Jano.Core.Schedulers;
using Jano.Runtime.Schedulers;

namespace Jano.Tests.Runtime.Schedulers;

/// <summary>
/// One scheduler fixture written by diffusers v0.32.2 (tools/golden/gen_schedulers.py on branch
/// golden): the config and class, the schedule, the toy trajectory's model outputs and every step's
/// prev_sample. Builds our scheduler from the fixture's own config and class name.
/// </summary>
public sealed class GoldenSchedulerCase : IDisposable
{
    public const string Folder = "Jano.Tests/Fixtures/golden/schedulers";
    private readonly SafetensorsFile _file;

    private GoldenSchedulerCase(string name, SafetensorsFile file)
    {
        Name = name;
        _file = file;
    }

    public string Name { get; }
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;
    public string ClassName => Metadata["class_name"];
    public int Steps => int.Parse(Metadata["num_inference_steps"], CultureInfo.InvariantCulture);

    public static GoldenSchedulerCase Open(string name) => new(name, SafetensorsFile.Open(Locate($"{Folder}/{name}.safetensors")));

    public IScheduler CreateScheduler() => SchedulerFactory.Create(ClassName, DiffusersJson.Parse(Metadata["config"]));

    public bool Has(string tensor) => _file.Contains(tensor);

    public float[] Float32(string tensor) => _file.ReadAsFloat32(tensor);

    /// <summary>An F64 tensor, read raw (ReadAsFloat32 would round it).</summary>
    public double[] Float64(string tensor)
    {
        var entry = _file.Get(tensor);
        Assert.That(entry.DType, Is.EqualTo(SafetensorsDType.F64), $"{Name}: {tensor} is F64");
        return MemoryMarshal.Cast<byte, double>(_file.ReadRaw(tensor)).ToArray();
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Walks up from the test binaries to the folder that holds the fixture (the repository root).</summary>
    public static string Locate(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
