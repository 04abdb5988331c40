using Jano.Runtime.Batch;

namespace Jano.Fuzz.Targets;

/// <summary>
/// A `jano batch` job manifest (JSON Lines) through BatchManifest.Read: UTF-8, one object per line, every
/// field's type and range, ids and duplicates, each refusal naming file, line and field.
/// </summary>
public static class BatchManifestTarget
{
    public static readonly FuzzTarget Target = new("batch-manifest", "BatchManifest.Read of the fuzzed JSON Lines job manifest", Run);

    private static void Run(byte[] input, Scratch scratch)
    {
        var path = Path.Combine(scratch.Folder, "jobs.jsonl");
        File.WriteAllBytes(path, input);
        BatchManifest.Read(path);
    }
}
