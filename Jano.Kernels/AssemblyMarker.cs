namespace Jano.Kernels;
internal static class AssemblyMarker { }
