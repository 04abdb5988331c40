using System.Text.Json;
using Jano.Train.Model;
using TorchSharp.Modules;
using TorchSharp.PyBridge;

namespace Jano.Train.Training;

/// <summary>
/// The resume state in DIR/checkpoint/: model.safetensors (live weights), ema.safetensors,
/// optimizer.bin (AdamW moments, TorchSharp's format), state.json (step and options). Written to a
/// sibling folder first and swapped in, so a kill mid-write leaves the previous checkpoint intact.
/// </summary>
public static class Checkpoint
{
    public sealed record State(long Step, TrainOptions Options, double ElapsedSeconds);

    public static string Folder(string runDir) => Path.Combine(runDir, "checkpoint");

    public static void Save(string runDir, FlowModel model, FlowModel ema, OptimizerHelper optimizer, State state)
    {
        string final = Folder(runDir), temp = final + ".tmp", old = final + ".old";
        if (Directory.Exists(temp)) Directory.Delete(temp, true);
        Directory.CreateDirectory(temp);
        model.save_safetensors(Path.Combine(temp, "model.safetensors"));
        ema.save_safetensors(Path.Combine(temp, "ema.safetensors"));
        optimizer.save_state_dict(Path.Combine(temp, "optimizer.bin"));
        File.WriteAllText(Path.Combine(temp, "state.json"), JsonSerializer.Serialize(state, new JsonSerializerOptions { WriteIndented = true }));

        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Directory.Exists(final)) Directory.Move(final, old);
        Directory.Move(temp, final);
        if (Directory.Exists(old)) Directory.Delete(old, true);
    }

    /// <summary>The checkpoint folder to resume from: the current one, or the previous one when a swap was interrupted.</summary>
    public static string? Find(string runDir)
    {
        foreach (var dir in new[] { Folder(runDir), Folder(runDir) + ".old" })
            if (File.Exists(Path.Combine(dir, "state.json"))) return dir;
        return null;
    }

    public static State ReadState(string dir) =>
        JsonSerializer.Deserialize<State>(File.ReadAllText(Path.Combine(dir, "state.json")))
        ?? throw new InvalidDataException($"{dir}/state.json is empty");

    public static void Load(string dir, FlowModel model, FlowModel ema, OptimizerHelper optimizer)
    {
        model.load_safetensors(Path.Combine(dir, "model.safetensors"));
        ema.load_safetensors(Path.Combine(dir, "ema.safetensors"));
        optimizer.load_state_dict(Path.Combine(dir, "optimizer.bin"));
    }
}
