using System.Text;
using Jano.Runtime.Batch;

namespace Jano.Tests.Runtime.Batch;

public class BatchIndexTests
{
    private static BatchIndexEntry Entry(string id, int line) => new(id, line, line, id + ".png", id + ".json", new string('0', 64));

    [Test]
    public void RecordsSurviveReopeningAndATornLastLineIsCutOff()
    {
        using var temp = new TempFolder();
        var path = temp.File(BatchFiles.Index);
        using (var index = AppendOnlyJsonl<BatchIndexEntry>.Open(path))
        {
            Assert.That(index.Existing, Is.Empty);
            index.Append(Entry("a", 1));
            index.Append(Entry("b", 2));
        }
        var whole = File.ReadAllBytes(path);
        File.AppendAllText(path, "{\"id\":\"c\",\"li"); // a kill in the middle of the third write
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(path).Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }), "reading leaves it alone");
        using (var index = AppendOnlyJsonl<BatchIndexEntry>.Open(path))
        {
            Assert.That(index.Existing, Is.EqualTo(new[] { Entry("a", 1), Entry("b", 2) }));
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(whole), "the torn line is gone");
            index.Append(Entry("c", 3));
        }
        Assert.That(AppendOnlyJsonl<BatchIndexEntry>.ReadAll(path).Select(e => e.Id), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void ALineDamagedBeforeTheEndIsRefusedNamingFileAndLine()
    {
        using var temp = new TempFolder();
        var path = temp.File(BatchFiles.Index);
        File.WriteAllText(path, "{\"id\":\"a\",\"line\":1,\"seed\":1,\"image\":\"a.png\",\"sidecar\":\"a.json\",\"sha256\":\"00\"}\nnot json\r\x01\n{}\n");
        var e = Assert.Throws<InvalidDataException>(() => AppendOnlyJsonl<BatchIndexEntry>.Open(path))!;
        Assert.That(e.Message, Does.StartWith($"{path}: line 2 is damaged"));
        Assert.That(e.Message, Does.Not.Contain('\n').And.Not.Contain('\r'));
    }

    [Test]
    public void TheStateRefusesAnotherManifestOrShardInTheSameFolder()
    {
        using var temp = new TempFolder();
        var folder = temp.File("out");
        var hash = new string('a', 64);
        var state = BatchState.StartOrResume(folder, hash, new ShardSpec(1, 4), ["x", "y"]);
        Assert.That(BatchState.StartOrResume(folder, hash, new ShardSpec(1, 4), ["x", "y"]), Is.EqualTo(state).Using<BatchState>((p, q) => p.ManifestSha256 == q.ManifestSha256 && p.Ids.SequenceEqual(q.Ids)));
        Assert.That(Assert.Throws<InvalidOperationException>(() => BatchState.StartOrResume(folder, new string('b', 64), new ShardSpec(1, 4), []))!.Message, Does.Contain("holds the results of another manifest"));
        Assert.That(Assert.Throws<InvalidOperationException>(() => BatchState.StartOrResume(folder, hash, new ShardSpec(2, 4), []))!.Message, Does.Contain("holds shard 1/4, not 2/4"));
    }
}
