using Jano.Core.Packages;
using Jano.Runtime.Onnx;

namespace Jano.Runtime.Decoders;

/// <summary>The decoder a package's manifest names, checked against the transformer it follows.</summary>
public static class Decoders
{
    public static IDecoder Create(ModelPackage package, OrtSessionFactory factory, DecoderTiling? tiling = null)
    {
        var m = package.Manifest;
        var component = m.Components.Decoder;
        IDecoder decoder = component.Kind == DecoderComponent.AutoencoderKl
            ? new AutoencoderKlDecoder(factory, package.PathOf(component.Graph!), component, tiling)
            : new IdentityDecoder(m.Geometry.Channels);
        if (decoder.LatentChannels != m.Geometry.Channels)
        {
            decoder.Dispose();
            throw new ModelPackageException($"{package.PathOf(component.Graph ?? ModelManifest.FileName)}: the decoder takes {decoder.LatentChannels}-channel latents, the transformer makes {m.Geometry.Channels} (components.transformer.geometry.channels)");
        }
        return decoder;
    }
}
