namespace Jano.Train.Data;

/// <summary>
/// The caption vocabulary of the default model: several phrasings per Fashion-MNIST class, the first
/// of each being the canonical prompt that evaluation and sample grids use. Shared (as a linked source
/// file) by the caption encoder, which encodes every distinct caption once, and the trainer, which
/// looks the states up; both therefore agree on the list without a second copy.
/// </summary>
public static class Captions
{
    /// <summary>The unconditional caption for classifier-free guidance.</summary>
    public const string Empty = "";

    /// <summary>Fashion-MNIST class names, by label.</summary>
    public static readonly string[] ClassNames =
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ];

    /// <summary>Per label: the canonical prompt first, then other phrasings of the same garment.</summary>
    public static readonly string[][] Templates =
    [
        ["a t-shirt", "a photo of a t-shirt", "a picture of a t-shirt", "a top", "a tee shirt", "a short-sleeved top"],
        ["a pair of trousers", "a photo of a pair of trousers", "a picture of trousers", "trousers", "a pair of pants", "a pair of jeans"],
        ["a pullover", "a photo of a pullover", "a picture of a pullover", "a sweater", "a jumper", "a knitted pullover"],
        ["a dress", "a photo of a dress", "a picture of a dress", "a summer dress", "a long dress", "a women's dress"],
        ["a coat", "a photo of a coat", "a picture of a coat", "a jacket", "a winter coat", "a long coat"],
        ["a sandal", "a photo of a sandal", "a picture of a sandal", "a summer sandal", "an open sandal", "a strappy sandal"],
        ["a shirt", "a photo of a shirt", "a picture of a shirt", "a button-up shirt", "a long-sleeved shirt", "a collared shirt"],
        ["a sneaker", "a photo of a sneaker", "a picture of a sneaker", "a running shoe", "a trainer shoe", "a sports shoe"],
        ["a bag", "a photo of a bag", "a picture of a bag", "a handbag", "a purse", "a shoulder bag"],
        ["an ankle boot", "a photo of an ankle boot", "a picture of an ankle boot", "a boot", "a leather boot", "a short boot"],
    ];

    /// <summary>The 10 canonical class prompts, by label.</summary>
    public static IReadOnlyList<string> Canonical => Templates.Select(t => t[0]).ToArray();

    /// <summary>Every distinct caption the trainer can draw: the empty one first, then all templates.</summary>
    public static IReadOnlyList<string> All => new[] { Empty }.Concat(Templates.SelectMany(t => t)).Distinct().ToArray();
}
