using System.Text.Json;
using Jano.Core.IO;
using Jano.Runtime.Text;
using Jano.Train.Data;

// Usage: jano-train-captions OUT_DIR
// Writes OUT_DIR/captions.json (the caption strings, in order) and OUT_DIR/captions.safetensors
// ("caption.{i}": the unpadded MiniLM hidden states [tokens, 384] of caption i, float32), exactly as
// the runtime's TextEncoder produces them at generation time.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: jano-train-captions OUT_DIR");
    return 2;
}
var outDir = Directory.CreateDirectory(args[0]).FullName;
var captions = Captions.All;
using var encoder = TextEncoder.CreateDefault(new TextEncoderOptions { IntraOpThreads = 1 });

var tensors = new List<SafetensorsTensor>();
for (int i = 0; i < captions.Count; i++)
{
    var e = encoder.Encode(captions[i]);
    tensors.Add(SafetensorsTensor.FromFloat32($"caption.{i}", [e.TokenCount, e.HiddenSize], e.HiddenStates));
    Console.WriteLine($"{i,3} {e.TokenCount,2} tokens  \"{captions[i]}\"");
}
SafetensorsWriter.Write(Path.Combine(outDir, "captions.safetensors"), tensors);
File.WriteAllText(Path.Combine(outDir, "captions.json"), JsonSerializer.Serialize(captions));
Console.WriteLine($"wrote {captions.Count} captions to {outDir}");
return 0;
