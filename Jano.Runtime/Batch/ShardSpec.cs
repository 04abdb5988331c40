using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Jano.Runtime.Batch;

/// <summary>
/// Which part of a batch this process does: shard <see cref="Index"/> of <see cref="Count"/> takes every
/// item whose id hashes to it. The hash is SHA-256 of the id (the first 8 bytes, big-endian, modulo the
/// count), so the split is the same on every machine, .NET version and run, needs no coordination
/// between shards, and does not move when lines are added or reordered.
/// </summary>
public sealed record ShardSpec(int Index, int Count)
{
    public static readonly ShardSpec Whole = new(0, 1);

    public bool Owns(string id) => Count == 1 || ShardOf(id, Count) == Index;

    public static int ShardOf(string id, int count)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>"i/n" as given to --shard: 0 ≤ i &lt; n.</summary>
    public static ShardSpec Parse(string text, string flag = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && TryInt(parts[0], out var i) && TryInt(parts[1], out var n) && n >= 1 && i < n)
            return new ShardSpec(i, n);
        throw new ArgumentException($"{flag} '{text}': must be INDEX/COUNT with 0 ≤ INDEX < COUNT, e.g. 0/4");
    }

    /// <summary>
    /// The shard the environment assigns, or null when none does: a Slurm job array
    /// (SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN/MAX for the range; ids
    /// are made 0-based from the minimum) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX with the
    /// completions count, which the pod does not see and must be given: <paramref name="completions"/>).
    /// </summary>
    public static ShardSpec? FromEnvironment(Func<string, string?> env, int? completions)
    {
        if (env("SLURM_ARRAY_TASK_ID") is { } taskText)
        {
            var task = Required(taskText, "SLURM_ARRAY_TASK_ID");
            var min = env("SLURM_ARRAY_TASK_MIN") is { } m ? Required(m, "SLURM_ARRAY_TASK_MIN") : 0;
            int count;
            if (env("SLURM_ARRAY_TASK_COUNT") is { } c) count = Required(c, "SLURM_ARRAY_TASK_COUNT");
            else if (env("SLURM_ARRAY_TASK_MAX") is { } mx) count = Required(mx, "SLURM_ARRAY_TASK_MAX") - min + 1;
            else throw new ArgumentException("SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MAX: cannot tell how many shards there are; give --shard INDEX/COUNT");
            // A stepped array (--array=0-15:4) has gaps between ids; hashing into id − min would leave shards unowned.
            if (env("SLURM_ARRAY_TASK_STEP") is { } step && step != "1")
                throw new ArgumentException($"SLURM_ARRAY_TASK_STEP is {step}: use a contiguous array (--array=0-N) or give --shard INDEX/COUNT");
            var index = task - min;
            if (count < 1 || index < 0 || index >= count)
                throw new ArgumentException($"SLURM_ARRAY_TASK_ID {task} is outside the array (min {min}, {count} tasks)");
            return new ShardSpec(index, count);
        }
        if (env("JOB_COMPLETION_INDEX") is { } k8s)
        {
            var index = Required(k8s, "JOB_COMPLETION_INDEX");
            if (completions is not { } n)
                throw new ArgumentException("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but not the number of completions: give --completions N (the Job's spec.completions)");
            if (n < 1 || index >= n) throw new ArgumentException($"JOB_COMPLETION_INDEX {index} is outside 0..{n - 1} (--completions {n})");
            return new ShardSpec(index, n);
        }
        return null;
    }

    private static int Required(string text, string name) =>
        TryInt(text, out var v) ? v : throw new ArgumentException($"{name} is '{text}': must be a whole number ≥ 0");

    private static bool TryInt(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
