namespace Jano.Fuzz;

/// <summary>The deterministic mutants of a target's corpus: the same list for the same (count, seed) on every machine.</summary>
public static class Mutants
{
    public static IEnumerable<(string Name, byte[] Bytes)> Of(string target, int count, int seed)
    {
        var corpus = Corpus.Load(target);
        foreach (var input in corpus) yield return (input.Name, input.Bytes);
        var mutator = new Mutator(seed);
        var pick = new Random(seed ^ 0x5eed);
        for (var i = 0; i < count; i++)
        {
            var a = corpus[pick.Next(corpus.Count)];
            var b = corpus[pick.Next(corpus.Count)];
            yield return ($"mutant {i} of {a.Name} (seed {seed})", mutator.Mutate(a.Bytes, b.Bytes));
        }
    }
}
