using Jano.Core.Packages;
using Jano.Runtime;

namespace Jano.Serve;

/// <summary>
/// The models a server serves, by manifest name; the first one is the default for requests that name
/// none. Packages are opened (manifest and file checks) when the server is built, so a bad folder stops
/// start-up at once; the pipelines open afterwards, in the background, and /readyz says when.
/// </summary>
internal sealed class ModelRegistry : IDisposable
{
    private readonly List<ServedModel> _models = [];
    private volatile string? _loadError;
    private volatile bool _ready;

    public ModelRegistry(ServeOptions options, ServeMetrics metrics)
    {
        var folders = options.Models.Count > 0 ? options.Models : [DefaultPackage.Locate()];
        foreach (var folder in folders)
        {
            var package = ModelPackage.Open(folder);
            if (_models.FirstOrDefault(m => m.Name == package.Manifest.Name) is { } same)
                throw new ArgumentException($"--model '{folder}': its model name '{package.Manifest.Name}' is served already, from '{same.Folder}'; each model needs a name of its own");
            _models.Add(new ServedModel(package, options, metrics));
        }
        Metrics = metrics;
    }

    public ServeMetrics Metrics { get; }
    public IReadOnlyList<ServedModel> Models => _models;
    public ServedModel Default => _models[0];

    /// <summary>All pipelines open.</summary>
    public bool Ready => _ready;

    /// <summary>Why loading failed; null while it runs or after it succeeded.</summary>
    public string? LoadError => _loadError;

    public ServedModel? Find(string name) => _models.FirstOrDefault(m => m.Name == name);

    public void Load(CancellationToken cancel)
    {
        try
        {
            foreach (var m in _models)
            {
                m.Load(cancel);
                Metrics.ModelsLoaded.Inc();
            }
            _ready = true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _loadError = e.Message;
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var m in _models) m.Dispose();
    }
}
