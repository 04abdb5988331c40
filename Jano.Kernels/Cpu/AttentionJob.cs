namespace Jano.Kernels.Cpu;

/// <summary>
/// One attention call split into work items, one per (batch, head, query tile), with the pinned
/// tensors it reads and writes. Lives only while the caller keeps those tensors pinned.
/// </summary>
internal readonly unsafe struct AttentionJob
{
    /// <param name="queryTile">Queries per work item; a multiple of the SIMD width.</param>
    /// <param name="keyTile">Keys per online-softmax step.</param>
    public AttentionJob(float* q, float* k, float* v, float* o, AttentionShape shape, int queryTile, int keyTile)
    {
        Q = q; K = k; V = v; O = o;
        Shape = shape;
        int w = MicroGemm.Width;
        // Small problems get a smaller tile so that short query sets still spread over threads.
        QueryTile = Math.Min(queryTile, RoundUp(shape.Queries, w));
        KeyTile = keyTile;
        QueryTiles = (shape.Queries + QueryTile - 1) / QueryTile;
        HeadDimPadded = RoundUp(shape.HeadDim, w);
    }

    public float* Q { get; }
    public float* K { get; }
    public float* V { get; }
    public float* O { get; }
    public AttentionShape Shape { get; }
    public int QueryTile { get; }
    public int KeyTile { get; }
    public int QueryTiles { get; }
    /// <summary>HeadDim rounded up to the SIMD width: the row stride of packed V and of the output tile.</summary>
    public int HeadDimPadded { get; }
    public int WorkItems => Shape.Batch * Shape.Heads * QueryTiles;

    // Scratch of one work item: Qᵀ [hd × QueryTile], V [KeyTile × hdPad], Sᵀ [KeyTile × QueryTile],
    // O [QueryTile × hdPad], then running max, running sum and rescale factors [QueryTile] each.
    public int ScratchLength =>
        Shape.HeadDim * QueryTile + KeyTile * HeadDimPadded + KeyTile * QueryTile + QueryTile * HeadDimPadded
        + 3 * QueryTile;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
