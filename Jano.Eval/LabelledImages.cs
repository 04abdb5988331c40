namespace Jano.Eval;

/// <summary>Grayscale images with one class label each: <see cref="Pixels"/> holds Count × Rows × Cols bytes, row-major.</summary>
public sealed record LabelledImages(byte[] Pixels, byte[] Labels, int Rows, int Cols)
{
    public int Count => Labels.Length;
    public int PixelsPerImage => Rows * Cols;

    /// <summary>Pairs an image file and a label file, checking that they describe the same items.</summary>
    public static LabelledImages Load(string imagesPath, string labelsPath)
    {
        var images = IdxReader.Read(imagesPath);
        var labels = IdxReader.Read(labelsPath);
        if (images.Dimensions.Length != 3)
            throw new IdxFormatException(imagesPath, $"expected images of 3 dimensions (count, rows, cols), found {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1)
            throw new IdxFormatException(labelsPath, $"expected labels of 1 dimension, found {labels.Dimensions.Length}");
        if (images.Count != labels.Count)
            throw new IdxFormatException(labelsPath, $"{labels.Count} labels for the {images.Count} images of {imagesPath}");
        return new LabelledImages(images.Data, labels.Data, images.Dimensions[1], images.Dimensions[2]);
    }

    /// <summary>Every image as a float vector in [0, 1] (byte / 255), concatenated: Count × PixelsPerImage values.</summary>
    public float[] ToVectors()
    {
        var v = new float[Pixels.Length];
        for (var i = 0; i < v.Length; i++) v[i] = Pixels[i] / 255f;
        return v;
    }

    /// <summary>The labels as class indices.</summary>
    public int[] LabelIndices() => Array.ConvertAll(Labels, b => (int)b);

    /// <summary>The items at the given indices, in that order.</summary>
    public LabelledImages Subset(IReadOnlyList<int> indices)
    {
        var n = PixelsPerImage;
        var pixels = new byte[indices.Count * n];
        var labels = new byte[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Pixels.AsSpan(indices[i] * n, n).CopyTo(pixels.AsSpan(i * n));
            labels[i] = Labels[indices[i]];
        }
        return this with { Pixels = pixels, Labels = labels };
    }
}
