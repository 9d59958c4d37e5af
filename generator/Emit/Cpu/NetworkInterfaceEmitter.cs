using System.Linq;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>
    /// Makes the model a <c>global::RnnGen.IRecurrentNetwork</c>: the interface list on the class and the few members
    /// the generated API does not already provide under the interface's signature (a static <c>Description</c>, and
    /// explicit implementations that forward statics, fill in what a model without dropout or with token input lacks).
    /// </summary>
    internal static class NetworkInterfaceEmitter
    {
        private const string Interface = "global::RnnGen.IRecurrentNetwork";

        /// <summary>The interface list appended to the class header, e.g. <c> : global::RnnGen.IRecurrentNetwork&lt;float, LstmModel.State&gt;</c>.</summary>
        public static string BaseList(Plan plan)
        {
            var input = plan.Spec.Input.IsEmbedding ? "int" : "float";
            var target = plan.Spec.Shell.Target;

            // The state class is qualified by the model's own name: a base list does not see the class's members.
            return plan.CanStream
                ? $" : {Interface}<{input}, {target.Name}{target.TypeParameters}.State>"
                : $" : {Interface}<{input}>";
        }

        public static void Emit(SourceWriter w, Plan plan)
        {
            EmitDescription(w, plan);
            w.Summary("The PyTorch tensors the parameters map to (the static <see cref=\"PyTorchTensors\"/>).");
            w.Line($"global::System.Collections.Generic.IReadOnlyList<global::RnnGen.TensorInfo> {Interface}.PyTorchTensors => PyTorchTensors;");
            w.Line();
            w.Summary("Forwards to the static <see cref=\"ExportPyTorchGradient\"/>.");
            w.Line($"void {Interface}.ExportPyTorchGradient(string name, {ReadOnlySpan} packed, {Span} destination) => ExportPyTorchGradient(name, packed, destination);");
            w.Line();
            w.Summary("The static <see cref=\"Description\"/>.");
            w.Line($"global::RnnGen.NetworkDescription {Interface}.Description => Description;");
            w.Line();
            if (!HasDropout(plan))
            {
                w.Summary("This model has no dropout: training and inference run the same computation, so the flag is always false.");
                w.Line($"bool {Interface}.Training {{ get => false; set {{ }} }}");
                w.Line();
            }

            if (plan.CanStream && plan.Spec.Input.IsEmbedding)
            {
                var state = plan.Spec.Shell.Target.Name + plan.Spec.Shell.Target.TypeParameters + ".State";
                w.Summary("Advances one stream by one token: <paramref name=\"input\"/> holds exactly one token id.");
                using (w.Block($"void {Interface}<int, {state}>.Step({state} state, global::System.ReadOnlySpan<int> input, {Span} output)"))
                {
                    using (w.Block("if (input.Length != 1)"))
                    {
                        w.Line("throw new global::System.ArgumentException($\"Expected exactly one token id, got {input.Length}.\", \"input\");");
                    }

                    w.Line();
                    w.Line("Step(state, input[0], output);");
                }

                w.Line();
            }
        }

        private static bool HasDropout(Plan plan) =>
            plan.Spec.Layers.Any(l => l.Dropout > 0 || l.RecurrentDropout > 0) || plan.Spec.Head is { Dropout: > 0 };

        private static void EmitDescription(SourceWriter w, Plan plan)
        {
            var spec = plan.Spec;
            w.Summary("The network as values (input, layers, head, limits), for code written once for any model.");
            w.Line(GeneratedCode.Attribute);
            w.Line("public static global::RnnGen.NetworkDescription Description { get; } = new(");
            w.Line($"    inputSize: {Int(spec.Input.IsEmbedding ? 0 : spec.Input.Features)},");
            w.Line($"    vocabularySize: {Int(spec.Input.Vocabulary)},");
            w.Line($"    embeddingDimension: {Int(spec.Input.IsEmbedding ? spec.Input.EmbeddingDimension : 0)},");
            w.Line("    layers: new global::RnnGen.RecurrentLayerInfo[]");
            w.Line("    {");
            foreach (var group in plan.Groups)
            {
                var l = group.Spec;
                var inputWidth = plan.Layers[group.Units[0]].InputWidth;
                w.Line($"        new(global::RnnGen.CellType.{l.Cell}, {Int(l.Units)}, {Int(inputWidth)}, UseBias: {Bool(l.UseBias)}, ReturnSequences: {Bool(l.ReturnSequences)},");
                w.Line($"            GoBackwards: {Bool(l.GoBackwards)}, Bidirectional: {Bool(l.Bidirectional)}, global::RnnGen.MergeMode.{l.MergeMode},");
                w.Line($"            global::RnnGen.Activation.{l.Activation}, global::RnnGen.Activation.{l.RecurrentActivation}, ResetAfter: {Bool(l.ResetAfter)},");
                w.Line($"            Peepholes: {Bool(l.Peepholes)}, CoupledGates: {Bool(l.CoupledGates)}, Minimal: {Bool(l.Minimal)}, Dropout: {Float(l.Dropout)}, RecurrentDropout: {Float(l.RecurrentDropout)}),");
            }

            w.Line("    },");
            if (plan.Head is { } head)
            {
                var h = head.Spec;
                w.Line($"    head: new global::RnnGen.DenseLayerInfo({Int(h.Units)}, {Int(head.InputWidth)}, global::RnnGen.Activation.{h.Activation}, UseBias: {Bool(h.UseBias)}, Dropout: {Float(h.Dropout)}),");
            }
            else
            {
                w.Line("    head: null,");
            }

            w.Line($"    maxSequenceLength: {Int(spec.MaxSequenceLength)},");
            w.Line($"    maxBatchSize: {Int(spec.MaxBatchSize)},");
            w.Line($"    parameterCount: {Int(plan.ParameterCount)},");
            w.Line($"    packedParameterLength: {Int(plan.BufferLength)});");
            w.Line();
        }
    }
}
