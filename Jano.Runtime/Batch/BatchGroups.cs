namespace Jano.Runtime.Batch;

/// <summary>
/// Splits a shard's items into the groups that run one forward each: consecutive items, at most k per
/// group, each joining the group before it only if it can share its forward. A pure function of the items,
/// the batch size and the rule, so every run of the same manifest (a resumed one too) forms the same groups.
/// </summary>
public static class BatchGroups
{
    public static IEnumerable<IReadOnlyList<T>> Form<T>(IReadOnlyList<T> items, int batchSize, Func<IReadOnlyList<T>, T, bool> canJoin)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "the batch size is at least 1");
        var group = new List<T>();
        foreach (var item in items)
        {
            if (group.Count > 0 && (group.Count == batchSize || !canJoin(group, item)))
            {
                yield return group;
                group = [];
            }
            group.Add(item);
        }
        if (group.Count > 0) yield return group;
    }
}
