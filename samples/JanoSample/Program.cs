// A console app that uses Jano.Runtime from NuGet: one image from a prompt, with progress, Ctrl+C to cancel.
//   dotnet run -- --model PATH/TO/onnx-models/fashion-dit --prompt "a sneaker" --out sneaker.png
using Jano.Runtime;
using Jano.Runtime.Pipeline;

var model = Arg("--model") ?? DefaultPackage.Locate();
var prompt = Arg("--prompt") ?? "a sneaker";
var output = Arg("--out") ?? "sample.png";
var steps = Arg("--steps") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

using var pipeline = TextToImagePipeline.Open(model, new RuntimeOptions { Threads = Environment.ProcessorCount });
var manifest = pipeline.Package.Manifest;
// The package's default Jano preset, as `jano generate` runs it (dense where it cannot act at this step count).
var request = AccelerationChoice.Apply(new GenerationRequest { Prompt = prompt, Seed = 1, Steps = steps }, manifest, method: null, preset: null);
var progress = new Progress<GenerationProgress>(p =>
{
    if (p.Stage == GenerationStage.Denoising && p.Step > 0) Console.Error.Write($"\rstep {p.Step}/{p.Steps}");
});
try
{
    var result = await pipeline.GenerateAsync(request, progress, cancel.Token);
    Console.Error.WriteLine();
    File.WriteAllBytes(output, result.ToPng());
    var speedup = result.Jano is { } jano ? $", ideal speed-up {jano.IdealSpeedup:F2}x" : "";
    Console.WriteLine($"{output}: {result.Width}x{result.Height}, {manifest.Name}, {result.Steps} steps, {result.Method}{speedup}");
    foreach (var note in result.Notes) Console.WriteLine($"note: {note}");
    return 0;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("\ncancelled");
    return 130;
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
