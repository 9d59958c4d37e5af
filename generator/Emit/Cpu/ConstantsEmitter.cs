using RnnGen.Generator.Planning;
using static RnnGen.Generator.Emit.Literals;

namespace RnnGen.Generator.Emit.Cpu
{
    /// <summary>Writes the size constants a caller sizes its buffers with.</summary>
    internal static class ConstantsEmitter
    {
        public static void Emit(SourceWriter w, Plan plan)
        {
            var spec = plan.Spec;
            if (spec.Input.IsEmbedding)
            {
                Constant(w, "int", "VocabularySize", Int(spec.Input.Vocabulary), "Number of token ids the embedding accepts: tokens are in [0, VocabularySize).");
                Constant(w, "int", "EmbeddingDimension", Int(spec.Input.EmbeddingDimension), "Width of each token's embedding vector.");
            }
            else
            {
                Constant(w, "int", "InputSize", Int(spec.Input.Features), "Float features per time step.");
            }

            Constant(w, "int", "MaxSequenceLength", Int(spec.MaxSequenceLength), "The most time steps one Forward call accepts.");
            Constant(w, "int", "MaxBatchSize", Int(spec.MaxBatchSize), "The most sequences one Forward call accepts.");
            Constant(w, "int", "OutputSize", Int(plan.OutputSize), "Floats in one output row (per step and sequence).");
            Constant(w, "bool", "ReturnsSequences", Bool(plan.ReturnsSequences), "True when Forward outputs every step; false when only the last.");
            Constant(w, "int", "LayerCount", Int(plan.Groups.Count), "Number of recurrent layers.");
            Constant(w, "int", "StateCount", Int(plan.Layers.Count), "Recurrent states, one per layer and direction (PyTorch's h_0 order: a bidirectional layer's forward state, then its reverse state): the range of the state index of SetInitialState, CopyFinalState and InitialStateGradient.");
            foreach (var group in plan.Groups)
            {
                var direction = group.Spec.Bidirectional ? $", bidirectional ({group.Spec.MergeMode.ToString().ToLowerInvariant()})" : group.Spec.GoBackwards ? ", backwards in time" : string.Empty;
                Constant(w, "int", group.Name + "Units", Int(group.Spec.Units), $"Hidden units of {group.Name} ({CellTraits.DisplayName(group.Spec.Cell)}{direction}), per direction.");
            }

            Constant(w, "int", "ParameterCount", Int(plan.ParameterCount), "Trainable parameters, counted as PyTorch counts them.");
            Constant(w, "int", "PackedParameterLength", Int(plan.BufferLength), "Floats in the packed parameter buffer (parameters plus block padding and alignment).");
        }

        private static void Constant(SourceWriter w, string type, string name, string value, string doc)
        {
            w.Summary(doc);
            w.Line(GeneratedCode.Attribute);
            w.Line($"public const {type} {name} = {value};");
            w.Line();
        }
    }
}
