using System.Runtime.CompilerServices;

// CudaStepDevice.TryCreateOnEmulatedDriver: a test-only way to run the step loop on the driver-API device.
[assembly: InternalsVisibleTo("Jano.Tests")]
