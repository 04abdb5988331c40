using Jano.Core.Acceleration;
using Jano.Runtime.Acceleration;

namespace Jano.Cli.Tune;

/// <summary>One point of the search: a Jano-family method with its own parameters and Jano's options.</summary>
public sealed record TuneCandidate(AccelerationMethod Method, JanoOptions Jano)
{
    /// <summary>"jano+taylor horizon=4, w6 c1 t0.2/0.65 i12/6": every value that differs between candidates.</summary>
    public string Label
    {
        get
        {
            var j = Jano;
            var own = string.Join(" ", Method.Parameters.Where(p => p.Key != "coefficients").Select(p => $"{p.Key}={p.Value}"));
            return FormattableString.Invariant($"{Method.Name}{(own.Length > 0 ? " " + own : "")}, w{j.Warmup} c{j.Cooldown} t{j.StaticThreshold}/{j.MediumThreshold} i{j.StaticInterval}/{j.MediumInterval}");
        }
    }
}

/// <summary>One candidate on one calibration image: PSNR against dense, wall time, and the FLOP speed-up.</summary>
public readonly record struct TuneScore(double Psnr, double WallMs, double IdealSpeedup);

/// <summary>Generates a candidate's images: the search calls it for a range of the calibration items, in order.</summary>
public interface ITuneEvaluator
{
    /// <summary>The calibration items there are (prompts × calibration seeds).</summary>
    int Items { get; }

    /// <summary>Dense's median wall time per image over the items [0, <paramref name="count"/>).</summary>
    double DenseMedianMs(int count);

    /// <summary>Dense on one item again, timed now (the search's last rung times dense beside the finalists, so drift in load falls on both).</summary>
    double TimeDense(int item);

    /// <summary>The candidate on items [<paramref name="from"/>, <paramref name="to"/>).</summary>
    IReadOnlyList<TuneScore> Evaluate(TuneCandidate candidate, int from, int to);
}
