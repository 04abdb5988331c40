using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Models;

/// <summary>
/// Loads a package's stage graphs into sessions, checking each against its role: the manifest must
/// declare the role's input and output names (Jano.Core defines them once), and the graph must have
/// them. Every message names the stage and the file. Disposes what it created if a later stage fails.
/// </summary>
public sealed class StageSessions : IDisposable
{
    private readonly ModelPackage _package;
    private readonly OrtSessionFactory _factory;
    private readonly List<InferenceSession> _created = [];

    public StageSessions(ModelPackage package, OrtSessionFactory factory)
    {
        _package = package;
        _factory = factory;
    }

    public InferenceSession Load(string stage, StageGraph graph, StageSignature signature)
    {
        var path = _package.PathOf(graph.File);
        if (!graph.Matches(signature))
            throw new ModelPackageException($"{_package.PathOf(ModelManifest.FileName)}: stage '{stage}' ({graph.File}) declares {Describe(graph)}; the {signature.Role} role takes {signature.Describe()}");
        var session = _factory.Create(path);
        _created.Add(session);
        foreach (var name in signature.Inputs)
            if (!session.InputMetadata.ContainsKey(name))
                throw new ModelPackageException($"{path}: stage '{stage}' graph has no input '{name}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
        foreach (var name in signature.Outputs)
            if (!session.OutputMetadata.ContainsKey(name))
                throw new ModelPackageException($"{path}: stage '{stage}' graph has no output '{name}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
        CheckShapes(stage, path, "input", signature.Inputs, session.InputMetadata);
        CheckShapes(stage, path, "output", signature.Outputs, session.OutputMetadata);
        return session;
    }

    /// <summary>Each tensor of the role against the rank and width the manifest gives it (<see cref="StageShapes"/>).</summary>
    private void CheckShapes(string stage, string path, string kind, IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        _shapes ??= StageShapes.For(_package.Manifest);
        foreach (var name in names)
            if (_shapes.TryGetValue(name, out var expected) && StageShapes.Problem(expected, metadata[name].Dimensions) is { } problem)
                throw new ModelPackageException($"{path}: stage '{stage}' graph's {kind} '{name}' {problem}: the graph does not fit this package's manifest");
    }

    private IReadOnlyDictionary<string, StageShapes.Expected>? _shapes;

    private static string Describe(StageGraph g) => $"({string.Join(", ", g.Inputs)}) → ({string.Join(", ", g.Outputs)})";

    public void Dispose()
    {
        foreach (var session in _created) session.Dispose();
        _created.Clear();
    }
}
