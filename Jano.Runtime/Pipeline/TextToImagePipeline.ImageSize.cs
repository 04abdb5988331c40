namespace Jano.Runtime.Pipeline;

public sealed partial class TextToImagePipeline
{
    /// <summary>The image size, in pixels, of a request that names none: the package's latent size times the decoder's upscaling.</summary>
    public (int Width, int Height) DefaultImageSize
    {
        get
        {
            var g = Package.Manifest.Geometry;
            return (g.Width * _decoder.UpscaleFactor, g.Height * _decoder.UpscaleFactor);
        }
    }
}
