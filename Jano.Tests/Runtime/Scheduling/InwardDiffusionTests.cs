using Jano.Runtime.Scheduling;

namespace Jano.Tests.Runtime.Scheduling;

/// <summary>Inward diffusion on hand-made grids: enclosed low regions are lifted, open ones are not.</summary>
public sealed class InwardDiffusionTests
{
    [Test]
    public void LiftsATwoByTwoInsideARing()
    {
        float[] scores = (float[])DiffusionGrids.RingAroundTwoByTwo.Clone();

        InwardDiffusion.Apply(scores, 6, 6, strength: 0.8, distance: 2);

        // Each inside cell is 1 from the ring: exp(−1 / (2/2)) · mean contour score 1 · 0.8.
        float lift = (float)(0.8 * Math.Exp(-1));
        float[] expected = DiffusionGrids.RingAroundTwoByTwo.Select(v => v == 0 ? lift : v).ToArray();
        Assert.That(scores, Is.EqualTo(expected).Within(1e-6));
    }

    [TestCase(2.0)]
    [TestCase(3.0)]
    public void LiftFadesWithDistanceAndStopsBeyondDDistance(double distance)
    {
        const int size = 12;
        float[] original = DiffusionGrids.RingAroundSquare(size);
        float[] scores = (float[])original.Clone();

        InwardDiffusion.Apply(scores, size, size, strength: 0.5, distance);

        for (int r = 0; r < size; r++)
        for (int c = 0; c < size; c++)
        {
            int i = r * size + c;
            double expected = original[i];
            if (original[i] == 0)
            {
                int toRing = Math.Min(Math.Min(r - 1, size - 2 - r), Math.Min(c - 1, size - 2 - c));
                if (toRing <= distance) expected += Math.Exp(-toRing / (distance / 2)) * 1.0 * 0.5;
            }
            Assert.That(scores[i], Is.EqualTo(expected).Within(1e-6), $"cell ({r}, {c})");
        }
        Assert.That(scores[5 * size + 5], Is.Zero, "the centre is farther than d_distance");
    }

    [Test]
    public void LeavesALowRegionOpenToTheBorderAlone()
    {
        // A small high cluster in one corner of an otherwise low 8×8 grid: the low interior is one big
        // region whose outer boundary is mostly the grid's border, far from the cluster (4 of 22
        // boundary cells are within 2 of it, under 30%).
        float[] scores = new float[64];
        scores[1 * 8 + 1] = scores[1 * 8 + 2] = scores[2 * 8 + 1] = 1f;
        float[] original = (float[])scores.Clone();

        InwardDiffusion.Apply(scores, 8, 8, strength: 0.8, distance: 2);

        Assert.That(scores, Is.EqualTo(original));
    }

    [Test]
    public void LeavesASingleEnclosedCellAlone()
    {
        // 5×5: border 0.5, ring of 1, one 0 in the middle: a region of 1 cell does not count.
        float[] scores =
        [
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
            0.5f, 1f, 1f, 1f, 0.5f,
            0.5f, 1f, 0f, 1f, 0.5f,
            0.5f, 1f, 1f, 1f, 0.5f,
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
        ];
        float[] original = (float[])scores.Clone();

        InwardDiffusion.Apply(scores, 5, 5, strength: 0.8, distance: 2);

        Assert.That(scores, Is.EqualTo(original));
    }

    [Test]
    public void LeavesEqualScoresAndZeroStrengthAlone()
    {
        float[] equal = Enumerable.Repeat(0.3f, 25).ToArray();
        InwardDiffusion.Apply(equal, 5, 5, strength: 0.8, distance: 2);
        Assert.That(equal, Is.All.EqualTo(0.3f));

        float[] ring = (float[])DiffusionGrids.RingAroundTwoByTwo.Clone();
        InwardDiffusion.Apply(ring, 6, 6, strength: 0, distance: 2);
        Assert.That(ring, Is.EqualTo(DiffusionGrids.RingAroundTwoByTwo));
    }

    [Test]
    public void ComponentsConnectByEdgesNotCorners()
    {
        bool[] marked =
        [
            true, false, false, true,
            false, true, false, true,
            false, true, true, true,
        ];
        int[] labels = new int[12];

        int count = GridComponents.Label(marked, 3, 4, labels);

        // (0, 0) touches (1, 1) only at a corner; the right column and the bottom row join up with (1, 1).
        Assert.That(count, Is.EqualTo(2));
        Assert.That(labels, Is.EqualTo(new[] { 0, -1, -1, 1, -1, 1, -1, 1, -1, 1, 1, 1 }));
    }

    [Test]
    public void MinMaxNormalisationMapsToTheUnitIntervalAndEqualValuesToZero()
    {
        float[] values = [3f, -1f, 1f];
        MinMaxNormalization.Normalize(values);
        Assert.That(values, Is.EqualTo(new[] { 1f, 0f, 0.5f }));

        float[] equal = [2f, 2f];
        MinMaxNormalization.Normalize(equal);
        Assert.That(equal, Is.All.Zero);
    }
}
