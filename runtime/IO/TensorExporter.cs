using System;

namespace RnnGen.IO
{
    /// <summary>
    /// Writes one tensor's values into <paramref name="destination"/> (row-major); the shape of a generated network's
    /// <c>ExportPyTorch</c>, so <c>writer.AddAll(Model.PyTorchTensors, model.ExportPyTorch)</c> works.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="destination">Exactly the tensor's element count, zeroed before the call.</param>
    public delegate void TensorExporter(string name, Span<float> destination);
}
