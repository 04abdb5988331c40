namespace Jano.Runtime;
internal static class AssemblyMarker { }
