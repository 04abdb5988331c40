namespace Jano.Export.Onnx;

/// <summary>ONNX tensor element types we emit; values are TensorProto.DataType numbers from the ONNX spec.</summary>
public enum OnnxElementType
{
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}
