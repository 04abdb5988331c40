namespace Jano.Eval;

/// <summary>
/// Fashion-MNIST (Xiao et al. 2017): 60,000 train and 10,000 test 28×28 grayscale images of 10 classes,
/// as the Debian package dataset-fashion-mnist installs them (gzipped IDX files). The plain, unzipped
/// files are accepted too. Also the class names and the captions the default model was trained to
/// answer with each class.
/// </summary>
public sealed class FashionMnist
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
    public const string InstallHint = "install it with: apt-get update && apt-get install dataset-fashion-mnist";
    public const int ImageSize = 28;
    public const int ClassCount = 10;

    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>One prompt per class, in class order.</summary>
    public static readonly IReadOnlyList<string> Prompts =
        ["a t-shirt", "a pair of trousers", "a pullover", "a dress", "a coat", "a sandal", "a shirt", "a sneaker", "a bag", "an ankle boot"];

    private FashionMnist(string folder, LabelledImages train, LabelledImages test)
    {
        Folder = folder;
        Train = train;
        Test = test;
    }

    public string Folder { get; }
    public LabelledImages Train { get; }
    public LabelledImages Test { get; }

    /// <summary>True when the four files are in <paramref name="folder"/> (gzipped or plain).</summary>
    public static bool IsInstalled(string? folder = null)
    {
        var f = folder ?? DefaultFolder;
        return FileNames.All(n => Find(f, n) is not null);
    }

    /// <summary>Loads both splits; a missing folder or file is a <see cref="FileNotFoundException"/> that says how to install it.</summary>
    public static FashionMnist Load(string? folder = null)
    {
        var f = folder ?? DefaultFolder;
        var paths = FileNames.Select(n => Find(f, n) ?? throw Missing(f, n)).ToArray();
        var train = LabelledImages.Load(paths[0], paths[1]);
        var test = LabelledImages.Load(paths[2], paths[3]);
        Check("train", train, paths[0], paths[1]);
        Check("test", test, paths[2], paths[3]);
        return new FashionMnist(f, train, test);
    }

    private static void Check(string split, LabelledImages set, string imagesPath, string labelsPath)
    {
        if (set.Rows != ImageSize || set.Cols != ImageSize)
            throw new IdxFormatException(imagesPath, $"Fashion-MNIST {split} images are {ImageSize}×{ImageSize}, these are {set.Rows}×{set.Cols}");
        var outside = Array.FindIndex(set.Labels, l => l >= ClassCount);
        if (outside >= 0)
            throw new IdxFormatException(labelsPath, $"label {set.Labels[outside]} of item {outside} is outside the {ClassCount} classes");
    }

    private static readonly string[] FileNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    private static string? Find(string folder, string name)
    {
        foreach (var candidate in new[] { Path.Combine(folder, name + ".gz"), Path.Combine(folder, name) })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    private static FileNotFoundException Missing(string folder, string name) =>
        new($"Fashion-MNIST is not in {folder} ({name}.gz is missing); {InstallHint}, or pass the folder that holds its files",
            Path.Combine(folder, name + ".gz"));
}
