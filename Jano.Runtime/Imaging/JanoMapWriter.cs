using Jano.Core.Geometry;
using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Runtime.Pipeline;
using Jano.Runtime.Scheduling;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Jano.Runtime.Imaging;

/// <summary>
/// One PNG a person can read: the generated image, Jano's score heatmap (blocks, after inward
/// diffusion) and the token level mask side by side, each titled, with a colour bar and a level legend.
/// </summary>
public static class JanoMapWriter
{
    private static readonly Rgb24 Background = new(255, 255, 255);
    private static readonly Rgb24 Ink = new(20, 20, 20);
    public static readonly Rgb24 ActiveColor = new(214, 39, 40);
    public static readonly Rgb24 MediumColor = new(255, 160, 30);
    public static readonly Rgb24 StaticColor = new(50, 90, 170);

    public static void Save(string path, JanoReport report, GenerationResult result, LatentGeometry geometry)
    {
        const int panel = 192, margin = 16, title = 24, legend = 56;
        var width = 3 * panel + 4 * margin;
        var height = title + panel + legend + 2 * margin;
        using var canvas = new Image<Rgb24>(width, height, Background);
        int x0 = margin, x1 = 2 * margin + panel, x2 = 3 * margin + 2 * panel, y = margin + title;

        PixelFont.Draw(canvas, "IMAGE", x0, margin, 3, Ink);
        PixelFont.Draw(canvas, "SCORE", x1, margin, 3, Ink);
        PixelFont.Draw(canvas, "LEVEL", x2, margin, 3, Ink);

        // The generated image (first channel as gray, or RGB).
        int h = result.Height, w = result.Width, plane = h * w;
        for (var j = 0; j < panel; j++)
            for (var i = 0; i < panel; i++)
            {
                int sx = i * w / panel, sy = j * h / panel, k = sy * w + sx;
                canvas[x0 + i, y + j] = result.Channels == 3
                    ? new Rgb24(ImageWriter.ToByte(result.Image[k]), ImageWriter.ToByte(result.Image[plane + k]), ImageWriter.ToByte(result.Image[2 * plane + k]))
                    : Gray(ImageWriter.ToByte(result.Image[k]));
            }

        // Score heatmap: block grid, colours clamped to [0, 1].
        if (report.Maps is { } maps)
        {
            for (var j = 0; j < panel; j++)
                for (var i = 0; i < panel; i++)
                    canvas[x1 + i, y + j] = Heat(maps.Scores[j * maps.BlocksH / panel * maps.BlocksW + i * maps.BlocksW / panel]);
        }
        else
        {
            PixelFont.Draw(canvas, "FORCED", x1 + 40, y + panel / 2 - 8, 3, Ink);
        }

        // Token levels.
        int rows = geometry.GridHeight, cols = geometry.GridWidth;
        for (var j = 0; j < panel; j++)
            for (var i = 0; i < panel; i++)
                canvas[x2 + i, y + j] = report.Mask.Levels[j * rows / panel * cols + i * cols / panel] switch
                {
                    TokenLevel.Active => ActiveColor,
                    TokenLevel.Medium => MediumColor,
                    _ => StaticColor,
                };

        // Legends: colour bar 0..1 under the heatmap, swatches under the mask.
        var ly = y + panel + 10;
        for (var i = 0; i < panel; i++) PixelFont.Fill(canvas, x1 + i, ly, 1, 12, Heat((float)i / (panel - 1)));
        PixelFont.Draw(canvas, "0", x1, ly + 18, 2, Ink);
        PixelFont.Draw(canvas, "1", x1 + panel - 6, ly + 18, 2, Ink);
        var thresholds = $"{report.Options.StaticThreshold:0.##} {report.Options.MediumThreshold:0.##}";
        PixelFont.Draw(canvas, thresholds, x1 + panel / 2 - PixelFont.Width(thresholds, 2) / 2, ly + 18, 2, Ink);
        var sx2 = x2;
        foreach (var (label, color, fraction) in new[] { ("ACTIVE", ActiveColor, report.ActiveFraction), ("MEDIUM", MediumColor, report.MediumFraction), ("STATIC", StaticColor, report.StaticFraction) })
        {
            PixelFont.Fill(canvas, sx2, ly, 12, 12, color);
            PixelFont.Draw(canvas, label, sx2 + 16, ly + 1, 2, Ink);
            PixelFont.Draw(canvas, $"{100 * fraction:0}%", sx2 + 16, ly + 16, 2, Ink);
            sx2 += 64;
        }

        using var stream = new MemoryStream();
        canvas.SaveAsPng(stream);
        AtomicFile.Write(path, s => stream.WriteTo(s));
    }

    private static Rgb24 Gray(byte v) => new(v, v, v);

    /// <summary>A perceptually ordered ramp (dark blue → teal → yellow), like viridis.</summary>
    public static Rgb24 Heat(float v)
    {
        v = float.IsFinite(v) ? Math.Clamp(v, 0f, 1f) : 0f;
        (float r, float g, float b)[] stops = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)];
        var f = v * (stops.Length - 1);
        var i = Math.Min((int)f, stops.Length - 2);
        var t = f - i;
        return new Rgb24(
            (byte)(stops[i].r + t * (stops[i + 1].r - stops[i].r)),
            (byte)(stops[i].g + t * (stops[i + 1].g - stops[i].g)),
            (byte)(stops[i].b + t * (stops[i + 1].b - stops[i].b)));
    }
}
