namespace Jano.Kernels.Ilgpu;

/// <summary>Scalar arguments of <see cref="BlockDynamicsKernels.BlockDynamics"/>, passed by value to the device.</summary>
internal readonly struct BlockDynamicsParams
{
    public BlockDynamicsParams(BlockDynamicsShape shape)
    {
        Steps = shape.Steps;
        Channels = shape.Channels;
        Frames = shape.Frames;
        Height = shape.Height;
        Width = shape.Width;
        BlockFrames = shape.BlockFrames;
        BlockHeight = shape.BlockHeight;
        BlockWidth = shape.BlockWidth;
        Interval = shape.Interval;
        GridHeight = shape.GridHeight;
        GridWidth = shape.GridWidth;
        ChannelStride = shape.Frames * shape.Height * shape.Width;
        StepStride = shape.Channels * ChannelStride;
    }

    public int Steps { get; }
    public int Channels { get; }
    public int Frames { get; }
    public int Height { get; }
    public int Width { get; }
    public int BlockFrames { get; }
    public int BlockHeight { get; }
    public int BlockWidth { get; }
    public int Interval { get; }
    public int GridHeight { get; }
    public int GridWidth { get; }
    /// <summary>T · H · W, from one channel of a prediction to the next.</summary>
    public int ChannelStride { get; }
    /// <summary>C · T · H · W, from one stored prediction to the next.</summary>
    public int StepStride { get; }
}
