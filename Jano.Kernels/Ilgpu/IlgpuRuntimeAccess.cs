using System.Runtime.CompilerServices;

// ILGPU's CPU accelerator emits a dynamic assembly named "ILGPURuntime" that must see the internal
// kernel parameter types (AttentionParams, RowParams) and kernel classes.
[assembly: InternalsVisibleTo("ILGPURuntime")]
