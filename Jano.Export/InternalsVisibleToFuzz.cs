using System.Runtime.CompilerServices;

// The fuzzer drives the exporter's scheduler resolution (internal) exactly as export runs it.
[assembly: InternalsVisibleTo("jano-fuzz")]
