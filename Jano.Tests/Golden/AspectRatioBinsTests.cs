using System.Text.Json;
using Jano.Runtime.Pipeline;

namespace Jano.Tests.Golden;

/// <summary>Snapping a requested size to PixArt's bins, against diffusers' own classify_height_width_bin on its own tables.</summary>
[TestFixture]
public sealed class AspectRatioBinsTests
{
    [Test]
    public void EveryRequestSnapsToTheBinDiffusersPicks()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(GoldenFixtures.PathOf("aspect_bins.json")));
        var checkedCount = 0;
        foreach (var table in json.RootElement.GetProperty("bins").EnumerateObject())
        {
            var bins = AspectRatioBins.For(int.Parse(table.Name))!;
            Assert.That(bins, Is.Not.Null, table.Name);
            foreach (var row in table.Value.EnumerateArray())
            {
                var v = row.EnumerateArray().Select(e => e.GetInt32()).ToArray();
                Assert.That(AspectRatioBins.Snap(v[0], v[1], bins), Is.EqualTo((v[2], v[3])), $"bin {table.Name}: {v[0]}x{v[1]} (height x width)");
                checkedCount++;
            }
        }
        Assert.That(checkedCount, Is.EqualTo(4 * 20));
        Assert.That(AspectRatioBins.For(2048)!, Has.Count.EqualTo(40));
        Assert.That(AspectRatioBins.For(300), Is.Null);
    }
}
