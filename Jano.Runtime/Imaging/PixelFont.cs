using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Runtime.Imaging;

/// <summary>
/// A 3×5 pixel font for labels on diagnostic images (the drawing add-on of ImageSharp is not
/// available here). Upper-case letters, digits, '.', '-', '%' and space; other characters draw blank.
/// </summary>
public static class PixelFont
{
    private static readonly Dictionary<char, string> Glyphs = new()
    {
        ['A'] = "010101111101101", ['B'] = "110101110101110", ['C'] = "011100100100011", ['D'] = "110101101101110",
        ['E'] = "111100110100111", ['F'] = "111100110100100", ['G'] = "011100101101011", ['H'] = "101101111101101",
        ['I'] = "111010010010111", ['K'] = "101101110101101", ['L'] = "100100100100111", ['M'] = "101111111101101",
        ['N'] = "110101101101101", ['O'] = "010101101101010", ['P'] = "110101110100100", ['R'] = "110101110101101",
        ['S'] = "011100010001110", ['T'] = "111010010010010", ['U'] = "101101101101111", ['V'] = "101101101101010",
        ['W'] = "101101111111101", ['X'] = "101101010101101", ['Y'] = "101101010010010", ['Z'] = "111001010100111",
        ['0'] = "111101101101111", ['1'] = "010110010010111", ['2'] = "110001010100111", ['3'] = "110001010001110",
        ['4'] = "101101111001001", ['5'] = "111100110001110", ['6'] = "011100111101111", ['7'] = "111001010010010",
        ['8'] = "111101111101111", ['9'] = "111101111001110", ['.'] = "000000000000010", ['-'] = "000000111000000",
        ['%'] = "101001010100101", [' '] = "000000000000000",
    };

    /// <summary>Draws <paramref name="text"/> with its top-left at (x, y), each font pixel <paramref name="scale"/> pixels wide.</summary>
    public static void Draw(Image<Rgb24> image, string text, int x, int y, int scale, Rgb24 color)
    {
        foreach (var ch in text.ToUpperInvariant())
        {
            if (Glyphs.TryGetValue(ch, out var glyph))
                for (var row = 0; row < 5; row++)
                    for (var col = 0; col < 3; col++)
                        if (glyph[row * 3 + col] == '1')
                            Fill(image, x + col * scale, y + row * scale, scale, scale, color);
            x += 4 * scale;
        }
    }

    public static int Width(string text, int scale) => text.Length * 4 * scale;

    public static void Fill(Image<Rgb24> image, int x, int y, int w, int h, Rgb24 color)
    {
        for (var j = Math.Max(0, y); j < Math.Min(image.Height, y + h); j++)
            for (var i = Math.Max(0, x); i < Math.Min(image.Width, x + w); i++)
                image[i, j] = color;
    }
}
