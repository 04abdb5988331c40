using System.Reflection;
using System.Text.RegularExpressions;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;
using Jano.Cli;

namespace Jano.Device;

/// <summary>
/// Runs tests of Jano.Tests with NUnit's own in-process runner (the GPU machine has no dotnet test): by
/// default the GPU tests, which are the ones reported skipped where no GPU is present: the kernel
/// fixtures on the IlgpuCuda and CudaDriverPtx backends, StepDeviceTests("Cuda") and the CUDA pipeline
/// against the CPU one. (Not the provider tests for machines without CUDA, nor the emulated-driver ones.) Prints every result that
/// did not pass and one count line; exit code 1 when any failed, and also when a selected test was
/// skipped, since on a GPU machine a skipped CUDA test means the GPU was not usable.
/// </summary>
internal static class DeviceTests
{
    private const string DefaultMatch = @"\(""(IlgpuCuda|CudaDriverPtx|Cuda)""\)|CudaPipeline";

    public static int Run(string[] argv, TextWriter output)
    {
        var a = new DeviceArguments(argv, PositiveOption.NoSwitches);
        var match = new Regex(a.String("match") ?? DefaultMatch, RegexOptions.IgnoreCase);
        a.EnsureAllUsed();

        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var assembly = Assembly.Load("Jano.Tests");
        runner.Load(assembly, new Dictionary<string, object>());
        var listener = new ResultListener(match, output);
        runner.Run(listener, new NameFilter(match));
        output.WriteLine($"{listener.Passed} passed, {listener.Failed} failed, {listener.Skipped} skipped (tests matching /{match}/)");
        return listener.Failed > 0 || listener.Skipped > 0 || listener.Passed == 0 ? 1 : 0;
    }

    /// <summary>Selects test cases by full name; suites pass so that their cases are reached.</summary>
    private sealed class NameFilter(Regex match) : TestFilter
    {
        public override bool Match(ITest test) => !test.IsSuite && match.IsMatch(test.FullName);
        public override bool Pass(ITest test, bool negated) => test.IsSuite ? AnyCase(test) : Match(test);
        private bool AnyCase(ITest suite) => suite.Tests.Any(t => t.IsSuite ? AnyCase(t) : Match(t));
        public override TNode AddToXml(TNode parentNode, bool recursive) => parentNode.AddElement("name", match.ToString());
    }

    private sealed class ResultListener(Regex match, TextWriter output) : ITestListener
    {
        public int Passed, Failed, Skipped;

        public void TestStarted(ITest test) { }
        public void TestOutput(TestOutput output) { }
        public void SendMessage(TestMessage message) { }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite || !match.IsMatch(result.FullName)) return;
            switch (result.ResultState.Status)
            {
                case TestStatus.Passed: Passed++; break;
                case TestStatus.Failed:
                    Failed++;
                    output.WriteLine($"FAILED  {result.FullName}: {result.Message}");
                    break;
                default:
                    Skipped++;
                    output.WriteLine($"SKIPPED {result.FullName}: {result.Message}");
                    break;
            }
        }
    }
}
