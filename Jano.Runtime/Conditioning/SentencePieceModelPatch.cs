using Google.Protobuf;

namespace Jano.Runtime.Conditioning;

/// <summary>
/// Makes a SentencePiece model without a BOS piece loadable by Microsoft.ML.Tokenizers 2.0.1.
/// T5's spiece.model (and every T5-convention model: pad 0, eos 1, unk 2) has trainer_spec.bos_id = −1;
/// SentencePieceTokenizer.Create then indexes its vocabulary with −1 and throws
/// IndexOutOfRangeException. The model is rewritten at the protobuf wire level (the library's
/// ModelProto is internal) so that bos_id and bos_piece name the pad piece, a control piece that is
/// never part of segmentation: the pieces, scores, normaliser and every other field are untouched,
/// and since the tokenizer is created with addBeginningOfSentence false the stand-in is never emitted.
/// </summary>
internal static class SentencePieceModelPatch
{
    // sentencepiece_model.proto: ModelProto.trainer_spec = 2; TrainerSpec.{bos_id = 41, eos_id = 42, pad_id = 43, bos_piece = 46, eos_piece = 47, pad_piece = 48}.
    private const int TrainerSpecField = 2;
    private const int BosIdField = 41, EosIdField = 42, PadIdField = 43, BosPieceField = 46, EosPieceField = 47, PadPieceField = 48;

    /// <summary>The model unchanged when it has a BOS id, else with the pad (or, lacking one, the eos) piece standing in.</summary>
    public static byte[] WithBosStandIn(byte[] model)
    {
        var output = new MemoryStream(model.Length + 16);
        var writer = new CodedOutputStream(output, leaveOpen: true);
        var input = new CodedInputStream(model);
        var changed = false;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == TrainerSpecField && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var spec = input.ReadBytes().ToByteArray();
                var patched = PatchTrainerSpec(spec);
                changed |= !ReferenceEquals(patched, spec);
                writer.WriteTag(tag);
                writer.WriteBytes(ByteString.CopyFrom(patched));
            }
            else CopyField(input, writer, tag);
        }
        writer.Flush();
        return changed ? output.ToArray() : model;
    }

    private static byte[] PatchTrainerSpec(byte[] spec)
    {
        // proto2 defaults of TrainerSpec where a field is absent.
        long bos = 1, eos = 2, pad = -1;
        string eosPiece = "</s>", padPiece = "<pad>";
        var input = new CodedInputStream(spec);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case BosIdField: bos = (int)input.ReadUInt64(); break;
                case EosIdField: eos = (int)input.ReadUInt64(); break;
                case PadIdField: pad = (int)input.ReadUInt64(); break;
                case EosPieceField: eosPiece = input.ReadString(); break;
                case PadPieceField: padPiece = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        if (bos >= 0) return spec;

        var (standInId, standInPiece) = pad >= 0 ? (pad, padPiece) : (eos, eosPiece);
        var output = new MemoryStream(spec.Length + 16);
        var writer = new CodedOutputStream(output, leaveOpen: true);
        input = new CodedInputStream(spec);
        while ((tag = input.ReadTag()) != 0)
        {
            var field = WireFormat.GetTagFieldNumber(tag);
            if (field is BosIdField or BosPieceField) input.SkipLastField();
            else CopyField(input, writer, tag);
        }
        writer.WriteTag(BosIdField, WireFormat.WireType.Varint);
        writer.WriteInt32((int)standInId);
        writer.WriteTag(BosPieceField, WireFormat.WireType.LengthDelimited);
        writer.WriteString(standInPiece);
        writer.Flush();
        return output.ToArray();
    }

    /// <summary>Copies the field whose tag was just read, value for value.</summary>
    private static void CopyField(CodedInputStream input, CodedOutputStream writer, uint tag)
    {
        switch (WireFormat.GetTagWireType(tag))
        {
            case WireFormat.WireType.Varint: writer.WriteTag(tag); writer.WriteUInt64(input.ReadUInt64()); break;
            case WireFormat.WireType.Fixed64: writer.WriteTag(tag); writer.WriteFixed64(input.ReadFixed64()); break;
            case WireFormat.WireType.Fixed32: writer.WriteTag(tag); writer.WriteFixed32(input.ReadFixed32()); break;
            case WireFormat.WireType.LengthDelimited: writer.WriteTag(tag); writer.WriteBytes(input.ReadBytes()); break;
            default: throw new InvalidDataException($"unexpected protobuf wire type {WireFormat.GetTagWireType(tag)} (field {WireFormat.GetTagFieldNumber(tag)})");
        }
    }
}
