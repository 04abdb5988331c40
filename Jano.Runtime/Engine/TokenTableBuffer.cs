using Jano.Core.Packages;
using Jano.Runtime.Devices;

namespace Jano.Runtime.Engine;

/// <summary>
/// A per-token table (positions; RoPE cos/sin) in natural token order and its copy in scheduling
/// order, which is what the graphs read: a step over a prefix of rows gets exactly its tokens' rows.
/// Tables of rows "all" keep the prefix rows [0, L) in place ahead of the image tokens.
/// </summary>
public sealed class TokenTableBuffer : IDisposable
{
    public TokenTableBuffer(IStepDevice device, string name, float[] natural, int width, bool includesPrefix, int prefixRows)
    {
        Name = name;
        Width = width;
        PrefixRows = includesPrefix ? prefixRows : 0;
        Rows = natural.Length / width;
        Natural = device.Allocate(Rows, width);
        Ordered = device.Allocate(Rows, width);
        device.Upload(natural, Natural, 0);
        device.Copy(Natural, 0, Ordered, 0, Ordered.Length);
        _indices = Enumerable.Range(0, Rows).ToArray();
    }

    private readonly int[] _indices;

    public string Name { get; }
    public int Width { get; }
    /// <summary>Prefix rows the table carries ahead of the image tokens (0 for an image-rows table).</summary>
    public int PrefixRows { get; }
    public int Rows { get; }
    public StepBuffer Natural { get; }
    /// <summary>The rows in scheduling order: [prefix rows; image tokens order[0..N)].</summary>
    public StepBuffer Ordered { get; }

    public bool IncludesPrefix => PrefixRows > 0;

    /// <summary>Re-gathers <see cref="Ordered"/> for a new scheduling order of the image tokens.</summary>
    public void Reorder(IStepDevice device, ReadOnlySpan<int> order)
    {
        for (var r = 0; r < order.Length; r++) _indices[PrefixRows + r] = PrefixRows + order[r];
        device.GatherRows(Natural, _indices, Ordered, new Kernels.RowShape(1, Rows, Rows, Width));
    }

    public static bool RowsIncludePrefix(TokenTable table) => table.Rows == TokenTable.AllRows;

    public void Dispose()
    {
        Natural.Dispose();
        Ordered.Dispose();
    }
}
