namespace Jano.Export;
internal static class AssemblyMarker { }
