using System;
using System.IO;
using Google.Protobuf;
using Onnx;
using RnnGen.IO;

namespace RnnGen.Onnx
{
    /// <summary>
    /// ONNX import and export for every generated network (any <see cref="IRecurrentNetwork"/>).
    /// </summary>
    /// <example>
    /// <code>
    /// var model = new CharModel();
    /// model.ImportOnnx("char_lstm.onnx");      // weights from torch.onnx.export, checked against the model
    /// model.ExportOnnx("char_lstm.rnngen.onnx"); // a standard graph ONNX Runtime runs
    /// </code>
    /// </example>
    public static class OnnxModelExtensions
    {
        /// <summary>
        /// Imports the weights of an ONNX model file (LSTM / GRU / RNN nodes, a Gather embedding, a Gemm or MatMul + Add
        /// head) into <paramref name="model"/>. External data files are read from the model's directory.
        /// </summary>
        /// <param name="model">The generated network whose architecture the graph must match.</param>
        /// <param name="path">The <c>.onnx</c> file.</param>
        /// <exception cref="OnnxImportException">The graph differs from the model (every difference is listed) or cannot be read; nothing was imported.</exception>
        /// <exception cref="FileNotFoundException">The file does not exist.</exception>
        public static void ImportOnnx(this IRecurrentNetwork model, string path)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrEmpty(path);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            Import(model, stream, Path.GetDirectoryName(Path.GetFullPath(path)));
        }

        /// <summary>Imports the weights of an ONNX model read from a stream (external data is refused: use the path overload).</summary>
        /// <param name="model">The generated network whose architecture the graph must match.</param>
        /// <param name="source">The serialized <c>ModelProto</c>.</param>
        /// <exception cref="OnnxImportException">The graph differs from the model (every difference is listed) or cannot be read; nothing was imported.</exception>
        public static void ImportOnnx(this IRecurrentNetwork model, Stream source)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(source);
            Import(model, source, baseDirectory: null);
        }

        /// <summary>
        /// Writes <paramref name="model"/> as an ONNX graph computing what its <c>Forward</c> computes on whole sequences:
        /// input <c>input</c> <c>[sequence][batch][InputSize]</c> float (or <c>tokens</c> <c>[sequence][batch]</c> int64),
        /// output <c>output</c> <c>[sequence][batch][OutputSize]</c> (or <c>[batch][OutputSize]</c> for a last-step model).
        /// The file is replaced atomically: a reader never sees it half-written.
        /// </summary>
        /// <param name="model">The generated network.</param>
        /// <param name="path">The destination <c>.onnx</c> file.</param>
        /// <param name="options">Opset and optional state inputs/outputs; null for the defaults.</param>
        /// <exception cref="NotSupportedException">A part of the network ONNX cannot express (every such part is listed); nothing was written.</exception>
        public static void ExportOnnx(this IRecurrentNetwork model, string path, OnnxExportOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentException.ThrowIfNullOrEmpty(path);
            ModelProto onnx = OnnxExporter.Build(model, options ?? new OnnxExportOptions()); // refused before a file is touched
            AtomicFile.Write(path, stream => onnx.WriteTo(stream));
        }

        /// <summary>Writes <paramref name="model"/> as an ONNX graph to a stream (see <see cref="ExportOnnx(IRecurrentNetwork, string, OnnxExportOptions?)"/>).</summary>
        /// <param name="model">The generated network.</param>
        /// <param name="destination">Receives the serialized <c>ModelProto</c>.</param>
        /// <param name="options">Opset and optional state inputs/outputs; null for the defaults.</param>
        /// <exception cref="NotSupportedException">A part of the network ONNX cannot express; nothing was written.</exception>
        public static void ExportOnnx(this IRecurrentNetwork model, Stream destination, OnnxExportOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            ArgumentNullException.ThrowIfNull(destination);
            OnnxExporter.Build(model, options ?? new OnnxExportOptions()).WriteTo(destination);
        }

        /// <summary>The ONNX graph as bytes, e.g. for ONNX Runtime's <c>new InferenceSession(bytes)</c>.</summary>
        /// <param name="model">The generated network.</param>
        /// <param name="options">Opset and optional state inputs/outputs; null for the defaults.</param>
        /// <returns>The serialized <c>ModelProto</c>.</returns>
        /// <exception cref="NotSupportedException">A part of the network ONNX cannot express.</exception>
        public static byte[] ToOnnxBytes(this IRecurrentNetwork model, OnnxExportOptions? options = null)
        {
            ArgumentNullException.ThrowIfNull(model);
            return OnnxExporter.Build(model, options ?? new OnnxExportOptions()).ToByteArray();
        }

        private static void Import(IRecurrentNetwork model, Stream source, string? baseDirectory)
        {
            ModelProto onnx;
            try
            {
                onnx = ModelProto.Parser.ParseFrom(source);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new OnnxImportException("The stream is not a valid ONNX model (protobuf ModelProto): " + e.Message, e);
            }

            OnnxImporter.Import(model, onnx, baseDirectory);
        }
    }
}
