namespace Jano.Eval;

/// <summary>One of a query's nearest training vectors: its index, class and squared Euclidean distance.</summary>
public readonly record struct Neighbour(int Index, int Label, float SquaredDistance);
