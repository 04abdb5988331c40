using Jano.Core.Packages;
using Jano.Core.Stages;
using Jano.Runtime.Engine;
using Jano.Runtime.Onnx;

namespace Jano.Runtime.Models;

/// <summary>The block program of a package's family: the one place a new family is registered in the runtime.</summary>
public static class BlockPrograms
{
    public static IBlockProgram Create(ModelPackage package, OrtSessionFactory factory) => package.Manifest.Family switch
    {
        PixArtStages.Family => new PixArtProgram(package, factory),
        Sd3Stages.Family => new Sd3Program(package, factory),
        FluxStages.Family => new FluxProgram(package, factory),
        var other => throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: field 'components.transformer.family' is '{other}'; this runtime has block programs for: {PixArtStages.Family}, {Sd3Stages.Family}, {FluxStages.Family}"),
    };
}
