using RnnGen.Generator.Planning;

namespace RnnGen.Generator.Emit.Ptx
{
    /// <summary>The <c>.entry</c> names, shared by the PTX emitter and the C# that launches them.</summary>
    internal static class KernelNames
    {
        public static string Projection(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_projection";

        /// <summary>Ends in <c>_persistent</c>: CI's ptxas check fails any such kernel that spills.</summary>
        public static string Recurrent(LayerPlan layer) => layer.Name.ToLowerInvariant() + "_persistent";

        public const string Head = "head_projection";
    }
}
