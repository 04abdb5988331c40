using System.Text;

namespace Jano.Fuzz;

/// <summary>
/// Seeded mutations of corpus inputs, for the short deterministic run in CI (the coverage-guided long
/// run is AFL++'s, see docs/FUZZING.md). AFL's havoc stages in miniature: bit flips, byte sets to
/// interesting values, deletions, duplications, splices of two inputs, and insertions of tokens that
/// matter to these formats (JSON syntax, numbers at the edges, the field names our readers look for).
/// </summary>
public sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly byte[][] Tokens = new[]
    {
        "{", "}", "[", "]", ":", ",", "\"", "null", "true", "false", "-", "0", "-1", "1e309", "-1e309", "1e-45", "NaN", "Infinity",
        "2147483647", "2147483648", "-2147483649", "9223372036854775807", "18446744073709551615", "0.5", "3.0", "\\u0000", "\\ud800",
        "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"F16\"", "\"BF16\"", "\"I64\"", "\"__metadata__\"",
        "\"_class_name\"", "\"format\"", "\"formatVersion\"", "\"components\"", "\"transformer\"", "\"geometry\"", "\"stages\"",
        "\"sample_size\"", "\"patch_size\"", "\"num_layers\"", "\"attention_head_dim\"", "\"num_attention_heads\"", "\"in_channels\"",
        "\"hidden_size\"", "\"d_model\"", "\"num_heads\"", "\"block_out_channels\"", "\"latent_channels\"", "\"shift\"",
        "\"num_train_timesteps\"", "\"prediction_type\"", "\"pos_embed_max_size\"", "\"qk_norm\"", "\"pad_token\"", "\"model_max_length\"",
        "\u00e9", "\u65e5\u672c", "\ud83d\ude00", "\t", "\n", " ", "</w>", "<|endoftext|>", "\u2581",
    }.Select(Encoding.UTF8.GetBytes).Concat(new[] { new byte[] { 0xff }, new byte[] { 0xc3 }, new byte[] { 0xed, 0xa0, 0x80 }, new byte[] { 0 } }).ToArray();

    private static readonly byte[] Interesting = [0, 1, 0x7f, 0x80, 0xff, (byte)'0', (byte)'9', (byte)'"', (byte)'{', (byte)'-', (byte)'.', (byte)'e'];

    /// <summary>One mutant: 1–8 stacked mutations of <paramref name="input"/>, sometimes spliced with <paramref name="other"/>.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var data = new List<byte>(input);
        var count = 1 + _random.Next(8);
        for (var i = 0; i < count; i++) MutateOnce(data, other);
        return data.ToArray();
    }

    private void MutateOnce(List<byte> data, byte[] other)
    {
        int Position(bool inclusiveEnd = false) => data.Count == 0 ? 0 : _random.Next(data.Count + (inclusiveEnd ? 1 : 0));
        switch (_random.Next(8))
        {
            case 0 when data.Count > 0: // flip one bit
                var p = Position();
                data[p] ^= (byte)(1 << _random.Next(8));
                break;
            case 1 when data.Count > 0: // an interesting byte
                data[Position()] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 2 when data.Count > 1: // delete a range
                var start = Position();
                data.RemoveRange(start, Math.Min(data.Count - start, 1 + _random.Next(Math.Min(32, data.Count))));
                break;
            case 3 when data.Count > 0: // duplicate a range somewhere
                var from = Position();
                var chunk = data.GetRange(from, Math.Min(data.Count - from, 1 + _random.Next(16)));
                data.InsertRange(Position(inclusiveEnd: true), chunk);
                break;
            case 4: // splice: our head, the other input's tail
                var cut = Position(inclusiveEnd: true);
                var otherCut = other.Length == 0 ? 0 : _random.Next(other.Length);
                data.RemoveRange(cut, data.Count - cut);
                data.AddRange(other.AsSpan(otherCut).ToArray());
                break;
            case 5 when data.Count > 0: // overwrite with a token
                var token = Tokens[_random.Next(Tokens.Length)];
                var at = Position();
                data.RemoveRange(at, Math.Min(token.Length, data.Count - at));
                data.InsertRange(at, token);
                break;
            case 6 when data.Count >= 8: // the safetensors header length (first 8 bytes, little-endian) set to an edge value
                var edges = new ulong[] { 0, 1, 7, (ulong)data.Count, (ulong)data.Count - 8, (ulong)data.Count - 7, uint.MaxValue, ulong.MaxValue, 1UL << 62 };
                var edge = BitConverter.GetBytes(edges[_random.Next(edges.Length)]);
                for (var i = 0; i < 8; i++) data[i] = edge[i];
                break;
            default: // insert a token
                data.InsertRange(Position(inclusiveEnd: true), Tokens[_random.Next(Tokens.Length)]);
                break;
        }
    }
}
