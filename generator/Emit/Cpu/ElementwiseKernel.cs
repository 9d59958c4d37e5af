using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// An element-wise kernel over the units of each row (the cell derivatives of backpropagation): every argument
    /// is a row-major buffer whose rows hold either one value per unit or one value per gate and unit
    /// (<c>[block][gate][lane]</c>). Emitted once, generic over the vector width, like <see cref="PackedKernel"/>.
    /// </summary>
    internal sealed class ElementwiseKernel
    {
        public ElementwiseKernel(string name, LayerPlan layer, IReadOnlyList<(string Name, bool PerGate)> buffers)
        {
            Name = name;
            Layer = layer;
            Buffers = buffers;
        }

        public string Name { get; }

        public LayerPlan Layer { get; }

        /// <summary>The kernel's buffers in parameter order; <c>PerGate</c> rows have the gate layout.</summary>
        public IReadOnlyList<(string Name, bool PerGate)> Buffers { get; }

        public IReadOnlyList<string> Documentation { get; init; } = Array.Empty<string>();

        /// <summary>Writes the statements for one vector of units.</summary>
        public Action<ElementwiseBody> Body { get; init; } = _ => { };

        /// <summary>Per-unit parameter vectors shared by every row (LSTM peepholes), packed [block][gate][lane] with this many gates.</summary>
        public IReadOnlyList<(string Name, int Gates)> Vectors { get; init; } = Array.Empty<(string, int)>();

        public string Parameters => string.Join(", ", Buffers.Select(b => $"ref float {b.Name}").Concat(Vectors.Select(v => $"ref float {v.Name}"))) + ", int rows";

        public string Arguments => string.Join(", ", Buffers.Select(b => $"ref {b.Name}").Concat(Vectors.Select(v => $"ref {v.Name}"))) + ", rows";
    }

    /// <summary>What a body sees: loads and stores of a buffer at the current units, in the generic flavor.</summary>
    internal sealed class ElementwiseBody
    {
        private readonly ElementwiseKernel _kernel;

        public ElementwiseBody(SourceWriter writer, VectorFlavor flavor, ElementwiseKernel kernel)
        {
            Writer = writer;
            Flavor = flavor;
            _kernel = kernel;
        }

        public SourceWriter Writer { get; }

        public VectorFlavor Flavor { get; }

        public string One => Flavor.One;

        /// <summary>Loads a per-unit buffer, or gate <paramref name="gate"/> of a per-gate buffer.</summary>
        public string Load(string buffer, int gate = 0) => Flavor.Load(buffer + "Row", Offset(buffer, gate));

        public void Store(string buffer, string value, int gate = 0) => Writer.Line(Flavor.Store(value, buffer + "Row", Offset(buffer, gate)));

        public void Let(string name, string value) => Writer.Line($"{Flavor.Type} {name} = {value};");

        /// <summary>Loads entry <paramref name="index"/> of a parameter vector at the current units.</summary>
        public string LoadVector(string vector, int index) =>
            Flavor.Load(vector, index == 0 ? $"{vector}At" : $"{vector}At + {Literals.Int(index * Packing.BlockWidth)}");

        private string Offset(string buffer, int gate) =>
            _kernel.Buffers.First(b => b.Name == buffer).PerGate
                ? (gate == 0 ? "gate" : $"gate + {Literals.Int(gate * Packing.BlockWidth)}")
                : "unit";
    }

    /// <summary>
    /// Writes an <see cref="ElementwiseKernel"/> once, generic over the vector width, plus the dispatcher that picks
    /// the width.
    /// </summary>
    internal static class ElementwiseEmitter
    {
        public static void Emit(SourceWriter w, ElementwiseKernel kernel)
        {
            DispatchEmitter.Emit(w, kernel.Name, kernel.Parameters, kernel.Arguments, kernel.Documentation, generic: true);
            w.Line();
            var layer = kernel.Layer;
            const int block = Packing.BlockWidth;
            var flavor = VectorFlavor.Generic;
            w.Line($"// Each block of {block} units in vectors of {VectorFlavor.OpsLocal}.Count lanes.");
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]");
            using (w.Block($"private static void {kernel.Name}{VectorFlavor.GenericParameters}({kernel.Parameters}) {VectorFlavor.GenericConstraints}"))
            {
                w.Line(VectorFlavor.OpsDeclaration);
                using (w.Block("for (int row = 0; row < rows; row++)"))
                {
                    foreach (var (name, perGate) in kernel.Buffers)
                    {
                        var stride = perGate ? layer.GateStride : layer.PaddedUnits;
                        w.Line($"ref float {name}Row = ref {Literals.Unsafe}.Add(ref {name}, row * {Literals.Int(stride)});");
                    }

                    using (w.Block($"for (int block = 0; block < {Literals.Int(layer.Blocks)}; block++)"))
                    using (w.Block($"for (int lane = 0; lane < {block}; lane += {VectorFlavor.OpsLocal}.Count)"))
                    {
                        w.Line($"int unit = (block * {block}) + lane;");
                        if (kernel.Buffers.Any(b => b.PerGate))
                        {
                            w.Line($"int gate = (block * {Literals.Int(layer.GateCount * block)}) + lane;");
                        }

                        foreach (var (name, gates) in kernel.Vectors)
                        {
                            w.Line($"int {name}At = (block * {Literals.Int(gates * block)}) + lane;");
                        }

                        kernel.Body(new ElementwiseBody(w, flavor, kernel));
                    }
                }
            }
        }
    }
}
