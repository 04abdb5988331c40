using Jano.Runtime.Pipeline;

namespace Jano.Runtime.Batch;

/// <summary>An item checked against its package, with the request it will run and the package folder that runs it.</summary>
public sealed record PreparedItem(BatchItem Item, string PackageFolder, GenerationRequest Request, string Method);
