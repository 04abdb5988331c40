namespace Jano.Kernels.Cpu;

/// <summary>
/// One float buffer per thread, grown when a larger one is asked for and kept afterwards, so that
/// steady-state kernel calls allocate nothing. Callers must not nest uses on one thread.
/// </summary>
internal static class ThreadScratch
{
    [ThreadStatic] private static float[]? t_buffer;

    public static float[] Get(int length)
    {
        float[]? buffer = t_buffer;
        if (buffer is null || buffer.Length < length)
            t_buffer = buffer = new float[length];
        return buffer;
    }
}
