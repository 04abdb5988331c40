using System.Text;
using System.Text.Json;

namespace Jano.Runtime.Batch;

/// <summary>
/// A JSON Lines file that only grows, one fsynced line per record, so that after a kill at any moment
/// it holds every record whose write returned and at most one torn last line. Opening it for append
/// cuts that torn line off (its item is redone) and refuses a file damaged anywhere else.
/// </summary>
public sealed class AppendOnlyJsonl<T> : IDisposable
{
    private readonly FileStream _stream;

    public string Path { get; }
    public IReadOnlyList<T> Existing { get; }

    private AppendOnlyJsonl(string path, FileStream stream, IReadOnlyList<T> existing)
    {
        Path = path;
        _stream = stream;
        Existing = existing;
    }

    public static AppendOnlyJsonl<T> Open(string path)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var (records, complete) = ReadRecords(stream, path);
            stream.SetLength(complete); // drops a torn last line: its item was not done
            stream.Seek(0, SeekOrigin.End);
            return new AppendOnlyJsonl<T>(path, stream, records);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The records of a file without changing it (for merging); a torn last line is left out.</summary>
    public static IReadOnlyList<T> ReadAll(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return ReadRecords(stream, path).Records;
    }

    public void Append(T record)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(record);
        _stream.Write(line);
        _stream.WriteByte((byte)'\n');
        _stream.Flush(flushToDisk: true);
    }

    public void Dispose() => _stream.Dispose();

    private static (List<T> Records, long Complete) ReadRecords(FileStream stream, string path)
    {
        stream.Seek(0, SeekOrigin.Begin);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var records = new List<T>();
        long complete = 0;
        var lineNumber = 0;
        for (var start = 0; start < bytes.Length;)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) break; // torn: no newline yet, the write did not return
            lineNumber++;
            var line = bytes.AsSpan(start, end - start);
            try
            {
                records.Add(JsonSerializer.Deserialize<T>(line) ?? throw new JsonException("null"));
            }
            catch (JsonException)
            {
                throw new InvalidDataException(Jano.Core.OneLine.Of($"{path}: line {lineNumber} is damaged ({Encoding.UTF8.GetString(line[..Math.Min(line.Length, 60)])}…); it was not written by jano batch, or the file was edited: move it away to start over"));
            }
            start = end + 1;
            complete = start;
        }
        return (records, complete);
    }
}
