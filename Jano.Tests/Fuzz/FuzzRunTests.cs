using Jano.Fuzz;

namespace Jano.Tests.Fuzz;

/// <summary>
/// CI's short fuzz run (docs/FUZZING.md): per target, every committed corpus input is accepted (the
/// seeds are real files: a parser that refuses them is broken), and a fixed list of seeded mutants of
/// them is either accepted or refused with one of our one-line messages — never a crash. The list is
/// the same on every machine (Mutator is seeded); the coverage-guided long run is AFL++'s.
/// </summary>
[TestFixture]
public sealed class FuzzRunTests
{
    /// <summary>Mutants per target: about two minutes for all targets on CI's 2 cores, fewer for the large SentencePiece seed.</summary>
    private static int MutantsFor(string target) => target == "t5-model" ? 400 : 2000;

    private static IEnumerable<string> Targets() => FuzzTargets.All.Select(t => t.Name);

    [TestCaseSource(nameof(Targets))]
    public void EveryCorpusInputIsAccepted(string name)
    {
        var target = FuzzTargets.Find(name)!;
        using var scratch = new Scratch();
        var corpus = Corpus.Load(name);
        Assert.That(corpus, Is.Not.Empty, $"corpus/{name} has no seeds");
        foreach (var (file, bytes) in corpus)
        {
            var outcome = Refusals.Run(target, bytes, scratch);
            Assert.That(outcome.Accepted, Is.True, $"{name} seed {file}: {(outcome.Refusal ?? outcome.Crash)?.Message}");
        }
    }

    [TestCaseSource(nameof(Targets))]
    public void SeededMutantsAreAcceptedOrRefusedInOneLineNeverCrash(string name)
    {
        var target = FuzzTargets.Find(name)!;
        using var scratch = new Scratch();
        var (ran, accepted, refused) = (0, 0, 0);
        var crashes = new List<string>();
        foreach (var (input, bytes) in Mutants.Of(name, MutantsFor(name), seed: 1))
        {
            ran++;
            var outcome = Refusals.Run(target, bytes, scratch);
            if (outcome.Accepted) accepted++;
            else if (outcome.Refusal is not null) refused++;
            else if (crashes.Count < 5) crashes.Add($"{input}: {outcome.Crash!.GetType().Name}: {outcome.Crash.Message} (input base64 {Convert.ToBase64String(bytes)})");
        }
        TestContext.Out.WriteLine($"{name}: {ran} inputs, {accepted} accepted, {refused} refused, {ran - accepted - refused} crashes");
        Assert.That(crashes, Is.Empty);
    }
}
