using Jano.Runtime;
using Jano.Runtime.Onnx;
using Jano.Tests.Cli;
using Jano.Tests.Export;

namespace Jano.Tests.Runtime.Onnx;

/// <summary>Provider choice: auto falls back to the CPU with a reason, cuda fails with it (on machines without CUDA).</summary>
public sealed class ProviderTests
{
    private static void RequireNoCuda()
    {
        var auto = new OrtSessionFactory(new RuntimeOptions { Provider = "auto" });
        if (auto.Provider == "cuda") Assert.Ignore("CUDA is available here; the fallback cannot be observed");
    }

    [Test]
    public void AutoFallsBackToCpuAndSaysWhy()
    {
        RequireNoCuda();
        var auto = new OrtSessionFactory(new RuntimeOptions { Provider = "auto" });
        Assert.That(auto.Provider, Is.EqualTo("cpu"));
        Assert.That(auto.FallbackReason, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public void ExplicitCudaFailsWithTheReason()
    {
        RequireNoCuda();
        var e = Assert.Throws<ProviderUnavailableException>(() => new OrtSessionFactory(new RuntimeOptions { Provider = "cuda" }))!;
        Assert.That(e.Message, Does.StartWith("provider cuda is not available: ").And.Length.GreaterThan(40));
    }

    [Test]
    public void CpuNeverFallsBackAndUnknownProvidersAreRejected()
    {
        var cpu = new OrtSessionFactory(new RuntimeOptions { Provider = "cpu" });
        Assert.That((cpu.Provider, cpu.FallbackReason), Is.EqualTo(("cpu", (string?)null)));
        Assert.Throws<ArgumentException>(() => new OrtSessionFactory(new RuntimeOptions { Provider = "tpu" }));
    }

    [Test]
    public void GenerateWithCudaOnAMachineWithoutItIsOneClearLine()
    {
        RequireNoCuda();
        using var model = new TinyPixArt(caption: 384, inChannels: 1, outChannels: 1);
        model.Export();
        var r = CliRunner.Run("generate", "a shirt", "--model", model.Package, "--provider", "cuda", "--dense", "--out", Path.Combine(model.Folder, "x.png"));
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Err, Does.Contain("provider cuda is not available"));
        var auto = CliRunner.Run("generate", "a shirt", "--model", model.Package, "--provider", "auto", "--dense", "--steps", "2", "--threads", "1", "--out", Path.Combine(model.Folder, "y.png"));
        Assert.That(auto.Code, Is.EqualTo(0), auto.Err);
        Assert.That(auto.Err, Does.Contain("using the CPU provider; CUDA is not available"));
    }

    [Test]
    public void TheDefaultProviderOnAMachineWithoutCudaPrintsOnlyOurNote()
    {
        RequireNoCuda();
        using var model = new TinyPixArt(caption: 384, inChannels: 1, outChannels: 1);
        model.Export();
        // ONNX Runtime logs from native code to the process's stderr, which only a child process shows.
        var jano = Path.Combine(AppContext.BaseDirectory, "jano.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [jano, "generate", "a shirt", "--model", model.Package, "--dense", "--steps", "2", "--threads", "1", "--out", Path.Combine(model.Folder, "z.png")])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), stderr);
        Assert.That(stderr, Does.Not.Contain("onnxruntime"), "no ONNX Runtime error line about the CUDA libraries");
        // Besides the plain progress lines of a redirected stderr ("generate 2/2 steps, ..."), only the note.
        Assert.That(stderr.Trim().Split('\n').Where(l => !l.StartsWith("generate ", StringComparison.Ordinal)), Has.Exactly(1).Items, stderr);
        Assert.That(stderr, Does.Contain("using the CPU provider; CUDA is not available"));
    }
}
