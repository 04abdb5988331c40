using Google.Protobuf;

namespace Jano.Export.Encoders.T5;

/// <summary>
/// Checks at export that a spiece.model is a SentencePiece model (a ModelProto whose field 1 holds the
/// pieces, each with its piece string), so a broken tokenizer file fails the export naming the file,
/// not the first generation. Reads the protobuf wire format only; the runtime's tokenizer parses it fully.
/// </summary>
public static class SentencePieceModelCheck
{
    public static void Check(string path)
    {
        int pieces;
        try
        {
            pieces = CountPieces(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            throw new ExportException($"{path}: not a SentencePiece model ({e.Message})", e);
        }
        if (pieces == 0) throw new ExportException($"{path}: not a SentencePiece model (no vocabulary pieces)");
    }

    private static int CountPieces(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var pieces = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var piece = new CodedInputStream(input.ReadBytes().ToByteArray());
                var hasText = false;
                uint inner;
                while ((inner = piece.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(inner) == 1 && WireFormat.GetTagWireType(inner) == WireFormat.WireType.LengthDelimited) { piece.ReadString(); hasText = true; }
                    else piece.SkipLastField();
                }
                if (!hasText) throw new InvalidDataException($"piece {pieces} has no text");
                pieces++;
            }
            else input.SkipLastField();
        }
        return pieces;
    }
}
