using System;

namespace RnnGen.IO
{
    /// <summary>
    /// Takes one tensor's values (row-major); the shape of a generated network's <c>ImportPyTorch</c>, so
    /// <c>file.ImportAll(Model.PyTorchTensors, model.ImportPyTorch)</c> works.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="values">Exactly the tensor's element count; valid only during the call.</param>
    public delegate void TensorImporter(string name, ReadOnlySpan<float> values);
}
