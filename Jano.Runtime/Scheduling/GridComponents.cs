namespace Jano.Runtime.Scheduling;

/// <summary>Connected components of marked cells on a row-major grid, 4-connectivity.</summary>
public static class GridComponents
{
    /// <summary>
    /// labels[i] = the component (0, 1, …, in order of each component's first cell) of every marked
    /// cell, −1 for unmarked cells. Cells are connected when they share an edge (not a corner).
    /// </summary>
    /// <returns>The number of components.</returns>
    public static int Label(ReadOnlySpan<bool> marked, int rows, int columns, Span<int> labels)
    {
        int cells = rows * columns;
        if (marked.Length != cells || labels.Length != cells)
            throw new ArgumentException(
                $"marked ({marked.Length}) and labels ({labels.Length}) must both hold rows·columns = {cells} cells.");
        labels.Fill(-1);
        int[] queue = new int[cells];
        int count = 0;
        for (int seed = 0; seed < cells; seed++)
        {
            if (!marked[seed] || labels[seed] >= 0) continue;
            labels[seed] = count;
            int head = 0, tail = 0;
            queue[tail++] = seed;
            while (head < tail)
            {
                int cell = queue[head++];
                int r = cell / columns, c = cell % columns;
                if (r > 0) tail = Visit(marked, labels, queue, tail, cell - columns, count);
                if (r + 1 < rows) tail = Visit(marked, labels, queue, tail, cell + columns, count);
                if (c > 0) tail = Visit(marked, labels, queue, tail, cell - 1, count);
                if (c + 1 < columns) tail = Visit(marked, labels, queue, tail, cell + 1, count);
            }
            count++;
        }
        return count;
    }

    /// <summary>Adds an unlabelled marked neighbour to the component and the queue; returns the new tail.</summary>
    private static int Visit(ReadOnlySpan<bool> marked, Span<int> labels, int[] queue, int tail, int cell, int label)
    {
        if (!marked[cell] || labels[cell] >= 0) return tail;
        labels[cell] = label;
        queue[tail] = cell;
        return tail + 1;
    }
}
