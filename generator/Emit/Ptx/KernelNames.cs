using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>The <c>.entry</c> names, shared by the PTX emitter and the C# that launches them.</summary>
    internal static class KernelNames
    {
        public static string Projection(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_projection";

        /// <summary>A token unit's projection twin that reads gathered rows: its input dropout needs them masked first.</summary>
        public static string DroppedProjection(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_projection_dropped";

        /// <summary>Ends in <c>_persistent</c>: CI's ptxas check fails any such kernel that spills.</summary>
        public static string Recurrent(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_persistent";

        /// <summary>Backpropagation through time of one unit; ends in <c>_persistent</c> like the forward kernel, for the spill check.</summary>
        public static string RecurrentBackward(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_backward_persistent";

        public const string Head = "head_projection";
    }
}
