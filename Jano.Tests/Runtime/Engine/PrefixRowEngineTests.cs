using Jano.Runtime.Devices;
using Jano.Runtime.Engine;

namespace Jano.Tests.Runtime.Engine;

/// <summary>
/// The token engine with L > 0 prefix rows (the layout of joint-attention families): every step
/// computes the prefix, image tokens are a prefix of the scheduling order after it, and attention is
/// L + n queries against L + N keys. Checked on a toy program against its whole-model oracle.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
public sealed class PrefixRowEngineTests(bool kernelAttention)
{
    private const int L = ToyPrefixProgram.Prefix, N = ToyPrefixProgram.Tokens, D = ToyPrefixProgram.D, C = ToyPrefixProgram.Channels;

    private TokenEngine Create(out ToyPrefixProgram program, out HostStepDevice device)
    {
        program = new ToyPrefixProgram(seed: 4);
        device = new HostStepDevice();
        return new TokenEngine(program, program.Geometry, device, kernelAttention);
    }

    private static int[] Permutation(int seed)
    {
        var order = Enumerable.Range(0, N).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    [TestCase(false)]
    [TestCase(true)]
    public void EveryImageTokenActiveGivesTheWholeModelsOutputsInAnyOrder(bool scrambled)
    {
        using var engine = Create(out var program, out var device);
        using var programLifetime = program;
        using var deviceLifetime = device;
        var latents = TestData.Normal(C * N, 1);
        var prefix = TestData.Normal(L * D, 2);
        engine.SetCaptions(new CaptionInput(prefix, L), null);
        if (scrambled) engine.SetOrder(Permutation(3));
        engine.Forward(latents, 7f, N);
        var (expected, expectedKeys) = program.Reference(latents, 7f, prefix);
        var output = engine.Output(0).ToArray();
        var order = engine.Order.ToArray();
        double worst = 0, worstKey = 0;
        for (var r = 0; r < N; r++)
            for (var c = 0; c < C; c++)
                worst = Math.Max(worst, Math.Abs(output[r * C + c] - expected[order[r] * C + c]));
        for (var layer = 0; layer < ToyPrefixProgram.Depth; layer++)
        {
            var keys = engine.Keys(0, layer);
            for (var r = 0; r < L + N; r++)
            {
                var source = r < L ? r : L + order[r - L]; // prefix rows in place, then image rows in scheduling order
                for (var j = 0; j < D; j++) worstKey = Math.Max(worstKey, Math.Abs(keys[r * D + j] - expectedKeys[layer][source * D + j]));
            }
        }
        Assert.That(worst, Is.LessThanOrEqualTo(1e-4), "outputs against the whole-model oracle");
        Assert.That(worstKey, Is.LessThanOrEqualTo(1e-4), "cached keys (prefix rows included) against the oracle");
    }

    [Test]
    public void ASubsetStepRecomputesThePrefixAndItsTokensAndLeavesTheFrozenRowsKeysAndValuesAsTheyWere()
    {
        using var engine = Create(out var program, out var device);
        using var programLifetime = program;
        using var deviceLifetime = device;
        engine.SetCaptions(new CaptionInput(TestData.Normal(L * D, 2), L), new CaptionInput(TestData.Normal(L * D, 5), L));
        engine.Forward(TestData.Normal(C * N, 1), 7f, N);
        engine.SetOrder(Permutation(8));
        const int n = 5, depth = ToyPrefixProgram.Depth;
        var keysBefore = new float[2, depth][];
        var valuesBefore = new float[2, depth][];
        var outputBefore = new float[2][];
        for (var b = 0; b < 2; b++)
        {
            outputBefore[b] = engine.Output(b).ToArray();
            for (var layer = 0; layer < depth; layer++) (keysBefore[b, layer], valuesBefore[b, layer]) = (engine.Keys(b, layer), engine.Values(b, layer));
        }
        engine.Forward(TestData.Normal(C * N, 9), 3f, n); // new latents and timestep: every computed row changes

        for (var b = 0; b < 2; b++)
        {
            for (var layer = 0; layer < depth; layer++)
            {
                var (keys, values) = (engine.Keys(b, layer), engine.Values(b, layer));
                for (var r = 0; r < L + N; r++)
                {
                    var same = keys.AsSpan(r * D, D).SequenceEqual(keysBefore[b, layer].AsSpan(r * D, D))
                        && values.AsSpan(r * D, D).SequenceEqual(valuesBefore[b, layer].AsSpan(r * D, D));
                    Assert.That(same, Is.EqualTo(r >= L + n),
                        $"branch {b} layer {layer} row {r}: {(r >= L + n ? "a frozen token keeps its keys and values bit for bit" : "prefix and computed rows get new ones")}");
                }
            }
            var output = engine.Output(b).ToArray();
            for (var r = 0; r < N; r++)
                Assert.That(output.AsSpan(r * C, C).SequenceEqual(outputBefore[b].AsSpan(r * C, C)), Is.EqualTo(r >= n), $"branch {b} output row {r}");
        }
    }
}
